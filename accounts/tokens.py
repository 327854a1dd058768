"""Token creation, lookup and revocation (the only code that sees a plain token)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from .models import ApiToken

TOKEN_PREFIX = "adt_"  # noqa: S105  (a public marker, not a secret)
# Writing last_used_at on every request would turn each API call into a write;
# minute resolution is enough for an audit trail.
LAST_USED_RESOLUTION = timedelta(seconds=60)


class TokenRefused(ValueError):
    """The token asked for would break a rule; the message says which, for the user."""


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _capped_expiry(expires_at: datetime | None, parent: ApiToken | None) -> datetime | None:
    """A token may only create tokens that expire no later than itself."""
    if parent is None or parent.expires_at is None:
        return expires_at
    if expires_at is None:
        return parent.expires_at  # "no expiry" from a token means "as long as I live"
    if expires_at > parent.expires_at:
        raise TokenRefused(
            "a token can only create tokens that expire no later than itself "
            f"({parent.expires_at.isoformat()}); ask for an earlier expiry, or create the "
            "token from a signed-in session"
        )
    return expires_at


@transaction.atomic
def token_create(
    *,
    user: AbstractBaseUser,
    name: str,
    expires_at: datetime | None = None,
    parent: ApiToken | None = None,
) -> tuple[ApiToken, str]:
    """Create a token; the plain value is returned once and never stored.

    ``parent`` is the token that authenticated the request, when a token (not a session)
    asks: the new token then expires no later than it and is revoked with it.
    """
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,  # type: ignore[misc]  # AUTH_USER_MODEL is User; the stubs want it named
        name=name.strip() or "API token",
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        key_hash=hash_token(raw),
        expires_at=_capped_expiry(expires_at, parent),
        parent=parent,
    )
    return token, raw


@transaction.atomic
def token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token and every token created from it (children, their children...)."""
    now = timezone.now()
    if token.revoked_at is None:
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
    revoked = [token.pk]
    frontier = [token.pk]
    while frontier:
        children = list(
            ApiToken.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)
        )
        ApiToken.objects.filter(pk__in=children, revoked_at__isnull=True).update(revoked_at=now)
        revoked += children
        frontier = children
    # Open WebSockets on these tokens close once the revocation is committed.
    transaction.on_commit(lambda: _announce_revoked(revoked))
    return token


def _announce_revoked(token_ids: list[Any]) -> None:
    from .credential_events import announce_credential_ended

    for token_id in token_ids:
        announce_credential_ended("token", str(token_id))


def token_authenticate(raw: str) -> ApiToken | None:
    """The active token for a plain value, or None (unknown, revoked or expired)."""
    if not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked_at__isnull=True)
        .first()
    )
    if token is None or token.is_expired or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
