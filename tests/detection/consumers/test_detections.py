from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from accounts.tokens import token_create
from config.asgi import application
from detection.models import Detection
from detection.publish import publish
from tests.factories import make_detection

pytestmark = pytest.mark.django_db(transaction=True)


def _communicator(
    detection_id: Any, headers: list[tuple[bytes, bytes]] | None = None
) -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application, f"/ws/detections/{detection_id}/", headers=headers or []
    )


def _bearer(raw: str) -> list[tuple[bytes, bytes]]:
    return [(b"authorization", f"Bearer {raw}".encode())]


async def test_owner_with_token_gets_snapshot_then_live_updates(user: User) -> None:
    detection = await database_sync_to_async(make_detection)(
        user, status="queued", verdict="", probability_ai=None
    )
    _, raw = await database_sync_to_async(token_create)(user=user, name="ws")
    communicator = _communicator(detection.id, _bearer(raw))
    connected, _ = await communicator.connect()
    assert connected
    snapshot = await communicator.receive_json_from()
    assert snapshot["type"] == "detection.update"
    assert snapshot["detection"]["status"] == "queued"

    def finish() -> None:
        Detection.objects.filter(pk=detection.pk).update(
            status="completed", verdict="ai", probability_ai=0.9
        )
        publish(Detection.objects.get(pk=detection.pk))

    await database_sync_to_async(finish)()
    update = await communicator.receive_json_from(timeout=5)
    assert update["detection"]["status"] == "completed"
    assert update["detection"]["verdict"] == "ai"
    await communicator.disconnect()


async def test_session_cookie_authenticates_browser_with_matching_origin(
    user: User, client: Any
) -> None:
    detection = await database_sync_to_async(make_detection)(user)
    await database_sync_to_async(client.force_login)(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = _communicator(
        detection.id,
        [(b"cookie", cookie), (b"host", b"localhost"), (b"origin", b"http://localhost")],
    )
    connected, _ = await communicator.connect()
    assert connected
    assert (await communicator.receive_json_from())["detection"]["id"] == str(detection.id)
    await communicator.disconnect()


async def test_foreign_origin_is_refused_even_with_a_valid_session(user: User, client: Any) -> None:
    detection = await database_sync_to_async(make_detection)(user)
    await database_sync_to_async(client.force_login)(user)
    cookie = f"sessionid={client.cookies['sessionid'].value}".encode()
    communicator = _communicator(
        detection.id, [(b"cookie", cookie), (b"origin", b"https://evil.example")]
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_anonymous_connection_is_closed_with_4401(user: User) -> None:
    detection = await database_sync_to_async(make_detection)(user)
    connected, code = await _communicator(detection.id).connect()
    assert not connected and code == 4401


async def test_revoked_token_is_refused(user: User) -> None:
    from accounts.tokens import token_revoke

    detection = await database_sync_to_async(make_detection)(user)
    token, raw = await database_sync_to_async(token_create)(user=user, name="ws")
    await database_sync_to_async(token_revoke)(token=token)
    connected, code = await _communicator(detection.id, _bearer(raw)).connect()
    assert not connected and code == 4401


async def test_other_users_detection_and_unknown_ids_close_with_4404(
    user: User, other_user: User
) -> None:
    theirs = await database_sync_to_async(make_detection)(other_user)
    _, raw = await database_sync_to_async(token_create)(user=user, name="ws")
    for target in (theirs.id, "00000000-0000-0000-0000-000000000000", "not-a-uuid"):
        connected, code = await _communicator(target, _bearer(raw)).connect()
        assert not connected and code == 4404, target
