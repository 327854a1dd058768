"""Telling open WebSockets that the credential they were opened with has ended (a token
revoked or expired, a session logged out). A module of its own so that what ends a
credential (tokens, logout) needs nothing of the socket authentication, which reads tokens."""

from __future__ import annotations

import hashlib
import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)
CREDENTIAL_ENDED = "credential.ended"  # the group message; consumers close with 4401


def credential_group(kind: str, key: str) -> str:
    # Digested: the group name is visible in Redis, and a session key is a secret.
    return f"auth.{kind}.{hashlib.sha256(key.encode()).hexdigest()[:32]}"


def announce_credential_ended(kind: str, key: str) -> None:
    """Tell every socket opened with this credential to close (best effort: the
    consumers' own checks catch what a lost message misses)."""
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(credential_group(kind, key), {"type": CREDENTIAL_ENDED})
    except Exception:
        logger.warning("could not announce the end of a %s credential", kind, exc_info=True)
