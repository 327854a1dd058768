"""URL-fetch settings: Django settings when set there (tests), else the environment."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from config.env import env_float, env_int, env_list

DEFAULTS: dict[str, Any] = {
    # Networks a fetch may reach although they are not public (CIDRs, comma separated).
    # Empty: loopback, private, link-local (cloud metadata), multicast and reserved
    # addresses are all refused. The tests allow-list 127.0.0.1/32.
    "URL_FETCH_ALLOWED_NETWORKS": env_list("URL_FETCH_ALLOWED_NETWORKS", ""),
    "URL_FETCH_TIMEOUT_S": env_float("URL_FETCH_TIMEOUT_S", 10.0),  # connect, each read
    "URL_FETCH_DEADLINE_S": env_float("URL_FETCH_DEADLINE_S", 30.0),  # one whole fetch
    "URL_FETCH_MAX_REDIRECTS": env_int("URL_FETCH_MAX_REDIRECTS", 5),
    "URL_FETCH_MAX_PAGE_BYTES": env_int("URL_FETCH_MAX_PAGE_BYTES", 5 * 1024 * 1024),
}


def value(name: str) -> Any:
    return getattr(settings, name, DEFAULTS[name])
