"""WebSocket authentication by API token, in front of Channels' session auth, and the
credential an open socket lives on.

Programs send ``Authorization: Bearer <token>``; browsers cannot set headers on a
WebSocket, so they rely on the session cookie (AuthMiddlewareStack) instead. Either way
the socket stays open only while that credential is valid: each socket joins a group
named after its credential, revocation and logout announce themselves to that group, and
the consumer re-checks before sending and on a timer (``detection.consumers.base``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Any

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware
from django.conf import settings
from django.contrib.auth import HASH_SESSION_KEY, SESSION_KEY, get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from . import lockout
from .credential_events import credential_group
from .models import ApiToken
from .tokens import token_authenticate

logger = logging.getLogger(__name__)


@database_sync_to_async
def _token_for(raw: str, address: str) -> ApiToken | bool | None:
    """The token, None for a bad one (counted), False when the address is locked out."""
    if lockout.token_locked_for(address):
        return False
    token = token_authenticate(raw)
    if token is None:
        lockout.token_failed(address)
    return token


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = dict(scope.get("headers", []))
        value = headers.get(b"authorization", b"").decode("latin-1")
        if value.lower().startswith("bearer "):
            address = str((scope.get("client") or ["unknown"])[0])
            token = await _token_for(value[7:].strip(), address)
            scope = dict(scope)
            scope["token_user"] = token.user if isinstance(token, ApiToken) else None
            scope["auth_throttled"] = token is False  # the consumer closes with 4429
            if isinstance(token, ApiToken):
                scope["user"] = token.user
                scope["api_token"] = token
        return await super().__call__(scope, receive, send)


@dataclass(frozen=True)
class Credential:
    """What authenticated a socket: an API token or a browser session."""

    kind: str  # "token" | "session"
    key: str  # the token's id, or the session key (never sent anywhere)
    user_id: Any
    expires_at: datetime | None = None

    @property
    def group(self) -> str:
        return credential_group(self.kind, self.key)


def credential_of(scope: dict[str, Any]) -> Credential | None:
    user = scope.get("user")
    if user is None or not user.is_authenticated:
        return None
    token = scope.get("api_token")
    if isinstance(token, ApiToken):
        return Credential("token", str(token.pk), user.pk, token.expires_at)
    session = scope.get("session")
    key = getattr(session, "session_key", None)
    if key:
        return Credential("session", key, user.pk)
    return None


def credential_valid(credential: Credential) -> bool:
    """Is the credential still good? (database; call from a thread)"""
    if credential.expires_at is not None and credential.expires_at <= timezone.now():
        return False
    if credential.kind == "token":
        return (
            ApiToken.objects.filter(pk=credential.key, revoked_at__isnull=True)
            .filter(user__is_active=True)
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
            .exists()
        )
    return _session_valid(credential.key, credential.user_id)


def _session_valid(session_key: str, user_id: Any) -> bool:
    store = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
    data = store.load()  # {} once the session is gone (logout) or expired
    if str(data.get(SESSION_KEY)) != str(user_id):
        return False
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return False
    # As django.contrib.auth.get_user: a password change ends the other sessions.
    stored = data.get(HASH_SESSION_KEY) or ""
    hashes = [user.get_session_auth_hash()]
    fallback = getattr(user, "get_session_auth_fallback_hash", None)
    if fallback is not None:
        hashes += list(fallback())
    return any(constant_time_compare(stored, value) for value in hashes)
