"""WebSocket authentication by API token, in front of Channels' session auth.

Programs send ``Authorization: Bearer <token>``; browsers cannot set headers on a
WebSocket, so they rely on the session cookie (AuthMiddlewareStack) instead.
"""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.middleware import BaseMiddleware

from .tokens import token_authenticate


@database_sync_to_async
def _user_for(raw: str) -> Any:
    token = token_authenticate(raw)
    return token.user if token is not None else None


class TokenAuthMiddleware(BaseMiddleware):
    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        headers = dict(scope.get("headers", []))
        value = headers.get(b"authorization", b"").decode("latin-1")
        if value.lower().startswith("bearer "):
            user = await _user_for(value[7:].strip())
            scope = dict(scope)
            scope["token_user"] = user
            if user is not None:
                scope["user"] = user
        return await super().__call__(scope, receive, send)
