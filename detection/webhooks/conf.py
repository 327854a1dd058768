"""Webhook settings: Django settings when set there (tests), else the environment."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from config.env import env_float, env_int

DEFAULTS: dict[str, Any] = {
    "WEBHOOK_MAX_ATTEMPTS": env_int("WEBHOOK_MAX_ATTEMPTS", 6),
    # Back-off before attempt n+1: base * 2**(n-1), at most WEBHOOK_BACKOFF_MAX_S: with the
    # defaults 10, 20, 40, 80, 160 s, so a receiver gets about five minutes to come back.
    "WEBHOOK_BACKOFF_BASE_S": env_float("WEBHOOK_BACKOFF_BASE_S", 10.0),
    "WEBHOOK_BACKOFF_MAX_S": env_float("WEBHOOK_BACKOFF_MAX_S", 300.0),
    "WEBHOOK_TIMEOUT_S": env_float("WEBHOOK_TIMEOUT_S", 10.0),
}


def value(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
