"""An open WebSocket closes (4401) as soon as its credential stops being valid.

Revoking the token, the token's expiry, logging out of the session and deactivating the
account each end the sockets opened with that credential: pushed at once for revocation
and logout, checked before every message sent and on a timer for the rest.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import token_create
from config.asgi import application
from detection.models import Detection
from detection.publish import publish
from tests.factories import make_detection

pytestmark = pytest.mark.django_db(transaction=True)
ROUTES = ["/ws/detections/{detection}/", "/ws/live/", "/ws/text/stream/"]


async def _open(path: str, headers: list[tuple[bytes, bytes]]) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    assert connected, code
    return communicator


async def _closed_with(communicator: WebsocketCommunicator, timeout: float = 5) -> int | None:
    """Read until the server closes; the close code (None if it never does)."""
    try:
        while True:
            output = await communicator.receive_output(timeout=timeout)
            if output["type"] == "websocket.close":
                return int(output.get("code", 1000))
    except TimeoutError:
        return None


async def _token_socket(user: User, route: str, **token: Any) -> tuple[Any, str, Any]:
    detection = await database_sync_to_async(make_detection)(user, status="running")
    api_token, raw = await database_sync_to_async(token_create)(user=user, name="ws", **token)
    path = route.format(detection=detection.pk)
    communicator = await _open(path, [(b"authorization", f"Bearer {raw}".encode())])
    return communicator, raw, (api_token, detection)


@pytest.mark.parametrize("route", ROUTES)
async def test_revoking_the_token_closes_its_open_sockets(user: User, route: str) -> None:
    communicator, _, (api_token, _) = await _token_socket(user, route)
    session = APIClient()
    await sync_to_async(session.force_login)(user)
    revoked = await sync_to_async(session.post)(f"/api/v1/tokens/{api_token.pk}/revoke/")
    assert revoked.status_code == 200
    assert await _closed_with(communicator) == 4401


async def test_revoking_a_parent_token_closes_sockets_of_the_tokens_it_created(
    user: User,
) -> None:
    parent, raw = await database_sync_to_async(token_create)(user=user, name="parent")
    _, child_raw = await database_sync_to_async(token_create)(
        user=user, name="child", parent=parent
    )
    communicator = await _open(
        "/ws/text/stream/", [(b"authorization", f"Bearer {child_raw}".encode())]
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    await sync_to_async(client.post)(f"/api/v1/tokens/{parent.pk}/revoke/")
    assert await _closed_with(communicator) == 4401


async def test_an_expired_token_gets_no_more_progress(user: User) -> None:
    communicator, _, (api_token, detection) = await _token_socket(user, ROUTES[0])
    assert (await communicator.receive_json_from())["type"] == "detection.update"  # snapshot

    def expire_then_progress() -> None:
        # No event announces an expiry: the consumer must notice before it sends.
        ApiToken.objects.filter(pk=api_token.pk).update(expires_at=timezone.now())
        publish(Detection.objects.get(pk=detection.pk))

    await database_sync_to_async(expire_then_progress)()
    output = await communicator.receive_output(timeout=5)
    assert output == {"type": "websocket.close", "code": 4401}


async def test_a_token_socket_closes_when_the_token_expires(user: User) -> None:
    expires = timezone.now() + timedelta(seconds=1.5)
    communicator, _, _ = await _token_socket(user, ROUTES[2], expires_at=expires)
    assert (await communicator.receive_json_from())["type"] == "ready"
    assert await _closed_with(communicator, timeout=5) == 4401
    assert timezone.now() >= expires


async def test_logging_out_closes_the_sessions_sockets(user: User) -> None:
    browser = Client()
    await sync_to_async(browser.force_login)(user)
    detection = await database_sync_to_async(make_detection)(user)
    cookie = f"sessionid={browser.cookies['sessionid'].value}".encode()
    headers = [(b"cookie", cookie), (b"host", b"localhost"), (b"origin", b"http://localhost")]
    communicator = await _open(f"/ws/detections/{detection.pk}/", headers)
    await communicator.receive_json_from()
    other_browser = Client()
    await sync_to_async(other_browser.force_login)(user)
    other = await _open(
        "/ws/text/stream/",
        [(b"cookie", f"sessionid={other_browser.cookies['sessionid'].value}".encode())],
    )
    assert (await sync_to_async(browser.post)("/accounts/logout/")).status_code == 302
    assert await _closed_with(communicator) == 4401
    # Another session of the same account is not logged out and keeps its socket.
    assert (await other.receive_json_from())["type"] == "ready"
    await other.send_json_to({"type": "unknown"})
    assert (await other.receive_json_from())["type"] == "error"
    await other.disconnect()


async def test_an_idle_socket_is_closed_by_the_periodic_check(user: User, settings: Any) -> None:
    settings.WS_CREDENTIAL_CHECK_S = 0.3
    communicator, _, _ = await _token_socket(user, ROUTES[1])
    await database_sync_to_async(User.objects.filter(pk=user.pk).update)(is_active=False)
    assert await _closed_with(communicator, timeout=5) == 4401
