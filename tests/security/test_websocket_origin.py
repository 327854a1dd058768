"""A browser's WebSocket is accepted only from this site's own origin or a trusted one.

Origin is compared as scheme, host and port, like Django's CSRF check: the handshake's own
origin (ws -> http, wss or a TLS proxy -> https, and the Host header, which must be an
allowed host) or an entry of CSRF_TRUSTED_ORIGINS.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from accounts.tokens import token_create
from config.asgi import application
from tests.daphne import running_daphne
from tests.factories import make_detection

pytestmark = pytest.mark.django_db(transaction=True)


async def _accepted(user: User, client: Any, headers: list[tuple[bytes, bytes]]) -> bool:
    await database_sync_to_async(client.force_login)(user)
    detection = await database_sync_to_async(make_detection)(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = WebsocketCommunicator(
        application, f"/ws/detections/{detection.pk}/", headers=[(b"cookie", cookie), *headers]
    )
    connected, _ = await communicator.connect(timeout=5)
    if connected:
        await communicator.disconnect()
    return connected


@pytest.mark.parametrize(
    ("host", "origin", "accepted"),
    [
        (b"127.0.0.1:8000", b"http://127.0.0.1:8000", True),
        (b"127.0.0.1:8000", b"http://127.0.0.1:9999", False),  # another port
        (b"127.0.0.1", b"https://127.0.0.1", False),  # another scheme
        (b"127.0.0.1", b"http://127.0.0.1", True),
        (b"127.0.0.1:8000", b"http://localhost:8000", False),  # another (allowed) host
        (b"evil.example", b"http://evil.example", False),  # a Host not in ALLOWED_HOSTS
        (b"127.0.0.1", b"null", False),  # sandboxed frames and file:// pages
    ],
)
async def test_origin_must_match_scheme_host_and_port(
    user: User, client: Any, host: bytes, origin: bytes, accepted: bool
) -> None:
    headers = [(b"host", host), (b"origin", origin)]
    assert await _accepted(user, client, headers) is accepted


async def test_trusted_origins_are_matched_exactly(user: User, client: Any, settings: Any) -> None:
    settings.CSRF_TRUSTED_ORIGINS = ["https://detect.example.org", "https://*.example.net"]
    settings.ALLOWED_HOSTS = ["web"]  # what a proxy that rewrites Host would pass on
    host = (b"host", b"web")
    for origin, accepted in (
        (b"https://detect.example.org", True),
        (b"http://detect.example.org", False),
        (b"https://detect.example.org:8443", False),
        (b"https://app.example.net", True),
        (b"http://app.example.net", False),
    ):
        assert await _accepted(user, client, [host, (b"origin", origin)]) is accepted, origin


async def test_behind_a_tls_proxy_the_origin_is_https(
    user: User, client: Any, settings: Any
) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = [(b"host", b"localhost"), (b"x-forwarded-proto", b"https")]
    assert await _accepted(user, client, [*proxied, (b"origin", b"https://localhost")])
    assert not await _accepted(user, client, [*proxied, (b"origin", b"http://localhost")])


# --- the same through a real daphne: Host and the handshake come from the server ----------


@pytest.fixture
def daphne(tmp_path: Path) -> Iterator[int]:
    with running_daphne(tmp_path) as port:
        yield port


@pytest.mark.postgres
def test_daphne_refuses_other_ports_and_schemes_of_the_same_host(daphne: int, user: User) -> None:
    import websockets

    detection = make_detection(user)
    _, raw = token_create(user=user, name="origin")
    url = f"ws://127.0.0.1:{daphne}/ws/detections/{detection.pk}/"

    async def status(origin: str) -> str:
        try:
            async with websockets.connect(
                url, origin=origin, additional_headers={"Authorization": f"Bearer {raw}"}
            ) as ws:
                await asyncio.wait_for(ws.recv(), 10)
                return "accepted"
        except websockets.InvalidStatus as exc:
            return str(exc.response.status_code)

    async def probe() -> dict[str, str]:
        origins = [f"http://127.0.0.1:{daphne}", "http://127.0.0.1:9999", "https://127.0.0.1"]
        return {origin: await status(origin) for origin in origins}

    assert asyncio.run(probe()) == {
        f"http://127.0.0.1:{daphne}": "accepted",
        "http://127.0.0.1:9999": "403",
        "https://127.0.0.1": "403",
    }
