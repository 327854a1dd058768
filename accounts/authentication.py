"""DRF authentication with `Authorization: Bearer <token>`."""

from __future__ import annotations

from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from . import lockout
from .tokens import token_authenticate


class TokenAttemptsThrottled(exceptions.Throttled):
    """Too many failed token authentications from one address (DRF authenticates before
    it throttles, so the ordinary rate limits never see these)."""

    default_detail = "Too many failed token attempts from this address."
    reason = "Too many failed token attempts from this address"


class BearerTokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # let session authentication have a go
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                "Malformed Authorization header: use 'Bearer <token>'."
            )
        try:
            raw = parts[1].decode()
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed("Token contains invalid characters.") from exc
        address = lockout.client_address(request)
        wait = lockout.token_locked_for(address)
        if wait:
            # Not even looked up: a locked address gets nothing more out of guessing.
            raise TokenAttemptsThrottled(wait=wait)
        token = token_authenticate(raw)
        if token is None:
            lockout.token_failed(address)
            raise exceptions.AuthenticationFailed("Invalid, revoked or expired token.")
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        # Makes DRF answer 401 (with WWW-Authenticate) rather than 403 to anonymous calls.
        return self.keyword
