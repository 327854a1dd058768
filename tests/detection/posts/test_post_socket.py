"""ws/posts/<id>/: one socket follows every part and the fused outcome."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from accounts.tokens import token_create
from config.asgi import application
from detection.models import Detection, Post, PostPart
from detection.posts.services import post_refresh
from detection.publish import publish
from tests.factories import make_detection

pytestmark = pytest.mark.django_db(transaction=True)


def _make_post(owner: User) -> Post:
    post = Post.objects.create(owner=owner)
    for index, text in enumerate(["first caption text", "second text part"]):
        detection = make_detection(
            owner, input_text=text, status="queued", verdict="", probability_ai=None
        )
        PostPart.objects.create(post=post, detection=detection, index=index, role="text")
    return post_refresh(post=post, publish_update=False)


def _connect(post: Post, raw: str) -> WebsocketCommunicator:
    headers = [(b"authorization", f"Bearer {raw}".encode())]
    return WebsocketCommunicator(application, f"/ws/posts/{post.id}/", headers=headers)


async def test_post_socket_relays_parts_then_the_fused_outcome(user: User) -> None:
    post = await database_sync_to_async(_make_post)(user)
    _, raw = await database_sync_to_async(token_create)(user=user, name="ws")
    communicator = _connect(post, raw)
    connected, _ = await communicator.connect()
    assert connected
    snapshot = await communicator.receive_json_from()
    assert snapshot["type"] == "post.update" and snapshot["post"]["status"] == "queued"
    assert len(snapshot["post"]["parts"]) == 2

    def finish(index: int, verdict: str, probability: float) -> None:
        detection = Detection.objects.get(post_part__post=post, post_part__index=index)
        detection.status, detection.verdict = "completed", verdict
        detection.probability_ai = probability
        detection.save()
        publish(detection)

    await database_sync_to_async(finish)(0, "ai", 0.95)
    seen: list[dict[str, Any]] = []
    while not any(m["type"] == "detection.update" for m in seen) or not any(
        m["type"] == "post.update" for m in seen
    ):
        seen.append(await communicator.receive_json_from(timeout=5))
    post_update = next(m for m in seen if m["type"] == "post.update")
    assert post_update["post"]["status"] == "running"
    await database_sync_to_async(finish)(1, "human", 0.05)
    final: dict[str, Any] = {}
    while final.get("type") != "post.update":
        final = await communicator.receive_json_from(timeout=5)
    assert final["post"]["status"] == "completed" and final["post"]["verdict"] == "ai"
    assert final["post"]["evidence"]["disagreements"][0]["parts"] == [0, 1]
    await communicator.disconnect()


async def test_another_users_post_is_not_found(user: User, other_user: User) -> None:
    post = await database_sync_to_async(_make_post)(user)
    _, raw = await database_sync_to_async(token_create)(user=other_user, name="ws")
    communicator = _connect(post, raw)
    connected, code = await communicator.connect()
    assert not connected and code == 4404
