"""A logged-in browser's side of ws/live/, for WebsocketCommunicator tests."""

from __future__ import annotations

from typing import Any

from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from config.asgi import application


async def connect(user: User, client: Any) -> WebsocketCommunicator:
    await database_sync_to_async(client.force_login)(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = WebsocketCommunicator(
        application,
        "/ws/live/",
        headers=[(b"cookie", cookie), (b"host", b"localhost"), (b"origin", b"http://localhost")],
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def receive(communicator: WebsocketCommunicator, kind: str, timeout: float = 5) -> Any:
    """The next message of type ``kind``. Messages of other kinds before it are kept for a
    later call (a warning from the analysis thread may overtake a reply to the client)."""
    backlog: list[Any] = communicator.__dict__.setdefault("_skipped", [])
    for index, message in enumerate(backlog):
        if message["type"] == kind:
            return backlog.pop(index)
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] == kind:
            return message
        backlog.append(message)


async def start(communicator: WebsocketCommunicator, **fields: Any) -> dict[str, Any]:
    """Send ``start`` (fallback transport unless given) and return the ``live.ready`` reply."""
    await communicator.send_json_to({"type": "start", "transport": "websocket", **fields})
    assert (await communicator.receive_json_from())["type"] == "live.loading"
    return await communicator.receive_json_from()
