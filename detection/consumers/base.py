"""The authenticated JSON consumer every WebSocket of the site is built on."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import timezone

from accounts.ws_auth import Credential, credential_of, credential_valid
from detection.api.parsers import JSONTooDeep, loads_bounded

# Close codes in the private range (4000-4999) so clients can tell why.
CLOSE_UNAUTHENTICATED = 4401
CLOSE_NOT_FOUND = 4404
CLOSE_THROTTLED = 4429  # too many failed token attempts from this address


class AuthenticatedJsonConsumer(AsyncJsonWebsocketConsumer):
    """Refuses anonymous connections, and closes (4401) once the token or session that
    opened the socket is revoked, expires or logs out; subclasses implement
    ``accept_authenticated``.

    Revocation and logout are announced to the credential's group and close at once; the
    credential is also re-checked before each message sent (at most every
    ``WS_CREDENTIAL_RECHECK_S``) and every ``WS_CREDENTIAL_CHECK_S`` on an idle socket,
    and a token's expiry closes the socket at that moment.
    """

    credential: Credential | None = None
    _credential_ended = False
    _checked_at = 0.0
    _watch: asyncio.Task[None] | None = None
    _send_lock: asyncio.Lock | None = None

    async def connect(self) -> None:
        user = self.scope.get("user")
        if self.scope.get("auth_throttled"):
            await self.close(code=CLOSE_THROTTLED)
            return
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.credential = credential_of(self.scope)
        await self.accept_authenticated(user)

    async def accept_authenticated(self, user: Any) -> None:
        raise NotImplementedError

    @classmethod
    async def decode_json(cls, text_data: str) -> Any:
        return loads_bounded(text_data)  # ValueError for deep nesting, never a RecursionError

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        try:
            await super().receive(text_data=text_data, bytes_data=bytes_data)
        except ValueError as exc:  # not JSON, or nested too deeply: say so, stay open
            await self.send_json({"type": "error", "message": _bad_json(exc)})

    async def accept(self, *args: Any, **kwargs: Any) -> None:
        if self.credential is not None:
            await self.channel_layer.group_add(self.credential.group, self.channel_name)
            self._checked_at = time.monotonic()
            self._watch = asyncio.create_task(self._watch_credential(self.credential))
        await super().accept(*args, **kwargs)

    async def websocket_disconnect(self, message: dict[str, Any]) -> None:
        if self._watch is not None:
            self._watch.cancel()
        if self.credential is not None:
            await self.channel_layer.group_discard(self.credential.group, self.channel_name)
        await super().websocket_disconnect(message)

    async def send_json(self, content: Any, close: bool = False) -> None:
        # One send at a time, in call order: the check awaits the database, and without
        # the lock a later message could overtake an earlier one.
        if self._send_lock is None:
            self._send_lock = asyncio.Lock()
        async with self._send_lock:
            if await self._credential_still_valid():
                await super().send_json(content, close)

    async def credential_ended(self, event: dict[str, Any]) -> None:
        """Group message: the token was revoked or the session logged out."""
        await self._end_for_credential()

    async def _credential_still_valid(self) -> bool:
        credential = self.credential
        if self._credential_ended:
            return False
        if credential is None:
            return True
        expired = credential.expires_at is not None and credential.expires_at <= timezone.now()
        if not expired and time.monotonic() - self._checked_at < settings.WS_CREDENTIAL_RECHECK_S:
            return True
        self._checked_at = time.monotonic()
        if expired or not await database_sync_to_async(credential_valid)(credential):
            await self._end_for_credential()
            return False
        return True

    async def _watch_credential(self, credential: Credential) -> None:
        while not self._credential_ended:
            delay = float(settings.WS_CREDENTIAL_CHECK_S)
            if credential.expires_at is not None:
                left = (credential.expires_at - timezone.now()).total_seconds()
                delay = min(delay, max(left, 0.0))
            await asyncio.sleep(delay)
            self._checked_at = 0.0  # force the database check
            await self._credential_still_valid()

    async def _end_for_credential(self) -> None:
        if not self._credential_ended:
            self._credential_ended = True
            await self.close(code=CLOSE_UNAUTHENTICATED)


def _bad_json(exc: ValueError) -> str:
    return str(exc) if isinstance(exc, JSONTooDeep) else "messages must be JSON objects"
