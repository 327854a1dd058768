"""Every WebSocket route refuses anonymous, revoked, expired and cross-user callers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from django.utils import timezone

from accounts.models import ApiToken
from accounts.tokens import token_create, token_revoke
from config.asgi import application
from config.ws_routing import websocket_urlpatterns
from tests.factories import make_detection

pytestmark = pytest.mark.django_db(transaction=True)
ROUTES = [
    "/ws/detections/{detection}/",
    "/ws/posts/{post}/",
    "/ws/live/",
    "/ws/text/stream/",
]


def test_every_websocket_route_is_covered() -> None:
    # A new route fails this until it is added to ROUTES (and so to every test below).
    patterns = {str(p.pattern) for p in websocket_urlpatterns}
    assert patterns == {
        "ws/detections/<str:detection_id>/",
        "ws/posts/<str:post_id>/",
        "ws/live/",
        "ws/text/stream/",
    }


async def _refused(path: str, headers: list[tuple[bytes, bytes]]) -> bool:
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, code = await communicator.connect(timeout=5)
    if connected:
        # Accepted then closed at once is a refusal too; anything else is not.
        output = await communicator.receive_output(timeout=5)
        await communicator.disconnect()
        return output.get("type") == "websocket.close"
    return code in (4401, 4403, 4404, None, 1000)


@pytest.fixture
async def victim(other_user: User) -> str:
    detection = await database_sync_to_async(make_detection)(other_user)
    return str(detection.pk)


@pytest.fixture
async def victim_post(other_user: User) -> str:
    from detection.models import Post

    post = await database_sync_to_async(Post.objects.create)(owner=other_user)
    return str(post.pk)


def _bearer(raw: str) -> list[tuple[bytes, bytes]]:
    return [(b"authorization", f"Bearer {raw}".encode())]


@pytest.mark.parametrize("route", ROUTES)
async def test_anonymous_sockets_are_refused(route: str, victim: str, victim_post: str) -> None:
    assert await _refused(route.format(detection=victim, post=victim_post), [])


@pytest.mark.parametrize("kind", ["revoked", "expired"])
@pytest.mark.parametrize("route", ROUTES)
async def test_revoked_or_expired_tokens_are_refused(
    route: str, kind: str, user: User, victim: str, victim_post: str
) -> None:
    def bad_token() -> str:
        token, raw = token_create(user=user, name=kind)
        if kind == "revoked":
            token_revoke(token=token)
        else:
            ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(1))
        return raw

    raw = await database_sync_to_async(bad_token)()
    assert await _refused(route.format(detection=victim, post=victim_post), _bearer(raw))


async def test_another_users_detection_socket_is_not_found(user: User, victim: str) -> None:
    _, raw = await database_sync_to_async(token_create)(user=user, name="ws")
    communicator = WebsocketCommunicator(
        application, f"/ws/detections/{victim}/", headers=_bearer(raw)
    )
    connected, code = await communicator.connect(timeout=5)
    assert not connected and code == 4404


async def test_foreign_origin_with_a_session_cookie_is_refused(user: User, client: Any) -> None:
    await database_sync_to_async(client.force_login)(user)
    detection = await database_sync_to_async(make_detection)(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    headers = [(b"cookie", cookie), (b"origin", b"https://evil.example")]
    assert await _refused(f"/ws/detections/{detection.pk}/", headers)
