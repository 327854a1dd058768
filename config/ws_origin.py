"""WebSocket origin check.

Browsers always send Origin on a WebSocket handshake, and only browsers carry ambient
credentials (the session cookie), so a present Origin must match ALLOWED_HOSTS. A
handshake without Origin comes from a program, which must then authenticate with a
token; Channels' own validator would refuse those outright.
"""

from __future__ import annotations

from typing import Any

from channels.security.websocket import OriginValidator
from django.conf import settings


class BrowserOriginValidator(OriginValidator):
    def __init__(self, application: Any) -> None:
        super().__init__(application, settings.ALLOWED_HOSTS)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        origin = dict(scope.get("headers", [])).get(b"origin")
        if origin is None:
            return await self.application(scope, receive, send)
        return await super().__call__(scope, receive, send)

    def valid_origin(self, parsed_origin: Any) -> bool:
        if parsed_origin is None:
            return False
        return bool(self.validate_origin(parsed_origin))
