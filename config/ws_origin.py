"""WebSocket origin check: scheme, host and port, the way Django's CSRF check reads Origin.

Browsers always send Origin on a WebSocket handshake, and only browsers carry ambient
credentials (the session cookie), so a present Origin must be either

- the handshake's own origin: ``http://`` (or ``https://`` on wss or behind a TLS proxy
  named by SECURE_PROXY_SSL_HEADER) plus the Host header, which must be an allowed host;
- or one of CSRF_TRUSTED_ORIGINS (exact, or ``https://*.example.org`` for subdomains).

Comparing the host alone let any port or scheme of an allowed host through (another
service on the same machine, a plain-http page of an https site). A handshake without
Origin comes from a program, which must then authenticate with a token; Channels' own
validator would refuse those outright.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from channels.security.websocket import WebsocketDenier
from django.conf import settings
from django.http.request import split_domain_port, validate_host
from django.utils.http import is_same_domain


def _is_secure(headers: dict[bytes, bytes], scope: dict[str, Any]) -> bool:
    if scope.get("scheme") == "wss":
        return True
    proxy = getattr(settings, "SECURE_PROXY_SSL_HEADER", None)
    if not proxy:
        return False
    meta_name, secure_value = proxy
    name = meta_name.removeprefix("HTTP_").replace("_", "-").lower().encode()
    forwarded = headers.get(name, b"").decode("latin-1").split(",", 1)[0].strip()
    return bool(forwarded == secure_value)


def _own_origin(headers: dict[bytes, bytes], scope: dict[str, Any]) -> str | None:
    host = headers.get(b"host", b"").decode("latin-1").strip().lower()
    domain, _ = split_domain_port(host)
    if not domain or not validate_host(domain, settings.ALLOWED_HOSTS):
        return None
    return f"{'https' if _is_secure(headers, scope) else 'http'}://{host}"


def _trusted(origin: str) -> bool:
    parts = urlsplit(origin)
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        trusted = trusted.lower()
        if origin == trusted:
            return True
        allowed = urlsplit(trusted)
        wildcard = allowed.netloc.startswith("*") and allowed.scheme == parts.scheme
        if wildcard and is_same_domain(parts.netloc, allowed.netloc[1:]):
            return True
    return False


def origin_allowed(origin: str, headers: dict[bytes, bytes], scope: dict[str, Any]) -> bool:
    origin = origin.strip().lower()
    if origin in ("", "null"):  # sandboxed frames, file:// pages: never this site
        return False
    return origin == _own_origin(headers, scope) or _trusted(origin)


class BrowserOriginValidator:
    def __init__(self, application: Any) -> None:
        self.application = application

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = dict(scope.get("headers", []))
        origin = headers.get(b"origin")
        if origin is not None and not origin_allowed(origin.decode("latin-1"), headers, scope):
            return await WebsocketDenier()(scope, receive, send)
        return await self.application(scope, receive, send)
