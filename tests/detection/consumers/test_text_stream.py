"""ws/text/stream/: text typed or received in pieces is scored window by window."""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User

from accounts.tokens import token_create
from config.asgi import application
from detection.consumers import CLOSE_UNAUTHENTICATED
from detection.engine.text.members.base import calibration_path

pytestmark = pytest.mark.django_db(transaction=True)

# 147 words: with window=60 and overlap=20 they fill windows at words 0-59, 40-99 and
# 80-139, and flush() scores the last 60 words (87-146).
TEXT = (
    "The ferry left the harbour twenty minutes late because a delivery van had parked across "
    "the loading ramp, and the driver could not be found. Passengers waited on the quay with "
    "coffee going cold in paper cups, while a crew member phoned the depot and two gulls "
    "fought over a dropped sandwich. When the van finally moved, the captain sounded the horn "
    "twice, as if to scold the whole town. Out on the water the wind picked up, and the "
    "children at the rail shrieked each time spray came over the bow. An old man in a tweed "
    "cap read his newspaper as calmly as if he were sitting in his own kitchen, turning the "
    "pages with great care so that the wind could not take them. By the time the island came "
    "into view the sun had broken through, and nobody remembered the van any more."
)


async def _connect(user: User, query: str = "") -> WebsocketCommunicator:
    _, raw = await database_sync_to_async(token_create)(user=user, name="stream")
    communicator = WebsocketCommunicator(
        application,
        f"/ws/text/stream/{query}",
        headers=[(b"authorization", f"Bearer {raw}".encode())],
    )
    connected, _ = await communicator.connect()
    assert connected
    return communicator


async def test_anonymous_connection_is_refused() -> None:
    communicator = WebsocketCommunicator(application, "/ws/text/stream/")
    connected, code = await communicator.connect()
    assert not connected and code == CLOSE_UNAUTHENTICATED


async def test_bad_messages_get_an_error_not_a_disconnect(user: User) -> None:
    communicator = await _connect(user, "?window=5000&overlap=-3")
    ready = await communicator.receive_json_from()
    assert ready["type"] == "ready"
    assert ready["window_words"] == 600 and ready["overlap_words"] == 0  # clamped
    for message in ({"type": "shout"}, {"type": "text", "text": 42}, ["not", "an", "object"]):
        await communicator.send_json_to(message)
        reply = await communicator.receive_json_from()
        assert reply["type"] == "error" and reply["message"]
    await communicator.send_to(text_data="{not json")
    assert (await communicator.receive_json_from())["type"] == "error"
    await communicator.send_json_to({"type": "text", "text": "x" * 70_000})
    assert "at most" in (await communicator.receive_json_from())["message"]
    await communicator.disconnect()


@pytest.mark.model
async def test_typed_text_is_scored_per_window_with_the_real_detector(
    user: User, engine_env: Any
) -> None:
    if not calibration_path("style").is_file():
        pytest.skip("text members not trained here (calibration/style.json missing)")
    # The packaged style member keeps this test to seconds; the ensemble runs the same way.
    engine_env(DETECTION_DEFAULT_DETECTORS="text=text.style")
    communicator = await _connect(user, "?window=60&overlap=20")
    assert (await communicator.receive_json_from())["window_words"] == 60
    for i in range(0, len(TEXT), 37):  # as if typed, in uneven pieces
        await communicator.send_json_to({"type": "text", "text": TEXT[i : i + 37]})
    await communicator.send_json_to({"type": "text", "text": " "})
    await communicator.send_json_to({"type": "flush"})
    messages: list[dict[str, Any]] = []
    while len(messages) < 4:
        messages.append(await communicator.receive_json_from(timeout=120))
    assert [m["index"] for m in messages] == [0, 1, 2, 3]
    assert [m["final"] for m in messages] == [False, False, False, True]
    words = TEXT.split()
    for m, first in zip(messages, [0, 40, 80, 87], strict=True):
        assert m["type"] == "window" and "error" not in m
        assert TEXT[m["start"] : m["end"]].split() == words[first : first + 60]
        result = m["result"]
        assert result["detector"] == "text.style"
        assert result["verdict"] in ("ai", "human", "uncertain")
        assert 0.0 <= result["probability_ai"] <= 1.0
        assert result["evidence"]["sentences"]
    assert messages[1]["start"] < messages[0]["end"]  # 20 words of overlap
    await communicator.disconnect()


async def _open_stream(raw: str) -> tuple[WebsocketCommunicator, dict[str, Any]]:
    communicator = WebsocketCommunicator(
        application, "/ws/text/stream/", headers=[(b"authorization", f"Bearer {raw}".encode())]
    )
    connected, code = await communicator.connect()
    assert connected, code
    return communicator, await communicator.receive_json_from()


async def _refused_with_limit(raw: str) -> str:
    communicator, first = await _open_stream(raw)
    assert first["type"] == "error" and first["code"] == "limit"
    closed = await communicator.receive_output(timeout=5)
    assert closed == {"type": "websocket.close", "code": 4429}
    return str(first["message"])


async def test_concurrent_streams_are_capped_per_user(user: User, settings: Any) -> None:
    settings.TEXT_STREAM_MAX_PER_USER = 2
    _, raw = await database_sync_to_async(token_create)(user=user, name="stream")
    open_ones = [await _open_stream(raw) for _ in range(2)]
    assert all(ready["type"] == "ready" for _, ready in open_ones)
    message = await _refused_with_limit(raw)
    assert "2 text streams" in message and "close one" in message
    await open_ones[0][0].disconnect()  # a closed stream frees its place
    again, ready = await _open_stream(raw)
    assert ready["type"] == "ready"
    for communicator in (open_ones[1][0], again):
        await communicator.disconnect()


async def test_concurrent_streams_are_capped_per_process(
    user: User, other_user: User, settings: Any
) -> None:
    settings.TEXT_STREAM_MAX_PER_USER = 5
    settings.TEXT_STREAM_MAX_TOTAL = 3
    _, mine = await database_sync_to_async(token_create)(user=user, name="a")
    _, theirs = await database_sync_to_async(token_create)(user=other_user, name="b")
    streams = [await _open_stream(raw) for raw in (mine, mine, theirs)]
    assert "try again in a few minutes" in await _refused_with_limit(theirs)
    for communicator, _ in streams:
        await communicator.disconnect()
