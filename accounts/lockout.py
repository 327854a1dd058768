"""Limits on guessing: failed sign-ins per username and per address, failed API tokens per
address. Past a limit the name or address is locked out for a while and told for how long.

Counters live in Django's cache (Redis in production, so every web replica shares them;
process memory in embedded mode). A lock on a username also stops its real owner from
signing in until it lifts: the price of making password guessing slow. Tokens carry 256
random bits, so their limit is about load and noise rather than about guessing, and it
locks only the address.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from rest_framework.throttling import BaseThrottle


def client_address(request: Any) -> str:
    """The caller's address, trusting X-Forwarded-For only as far as TRUSTED_PROXY_COUNT."""
    return str(BaseThrottle().get_ident(request) or "unknown")


def _key(kind: str, value: str) -> str:
    return f"lockout:{kind}:{hashlib.sha256(value.encode()).hexdigest()[:32]}"


def locked_for(*keys: str) -> int:
    """Seconds until the longest of these locks lifts (0: none is locked)."""
    now = time.time()
    until = [cache.get(f"{key}:until") for key in keys]
    return max([int(u - now + 0.999) for u in until if u and u > now] + [0])


def _fail(key: str, limit: int, window_s: int, lockout_s: int) -> None:
    cache.add(key, 0, timeout=window_s)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_s)
        count = 1
    if count >= limit:
        cache.set(f"{key}:until", time.time() + lockout_s, timeout=lockout_s)
        cache.delete(key)


# --- sign-in -------------------------------------------------------------------------------


def _login_keys(request: Any, username: str) -> tuple[str, str]:
    return _key("login-user", username.strip().lower()), _key("login-addr", client_address(request))


def login_locked_for(request: Any, username: str) -> int:
    return locked_for(*_login_keys(request, username))


def login_failed(request: Any, username: str) -> None:
    user_key, address_key = _login_keys(request, username)
    window, lockout = settings.LOGIN_FAILURE_WINDOW_S, settings.LOGIN_LOCKOUT_S
    _fail(user_key, settings.LOGIN_FAILURES_PER_USER, window, lockout)
    _fail(address_key, settings.LOGIN_FAILURES_PER_ADDRESS, window, lockout)


def login_succeeded(request: Any, username: str) -> None:
    # The address count stays: a guesser with an account of their own must not reset it.
    cache.delete(_login_keys(request, username)[0])


def wait_in_words(seconds: int) -> str:
    if seconds > 90:
        return f"{(seconds + 59) // 60} minutes"
    return f"{seconds} seconds"


# --- API tokens ------------------------------------------------------------------------------


def token_locked_for(address: str) -> int:
    return locked_for(_key("token-addr", address))


def token_failed(address: str) -> None:
    _fail(
        _key("token-addr", address),
        settings.TOKEN_FAILURES_PER_ADDRESS,
        settings.TOKEN_FAILURE_WINDOW_S,
        settings.TOKEN_LOCKOUT_S,
    )
