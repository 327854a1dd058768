"""ws/live/ end to end without a browser: the fallback path (JPEG + PCM over the socket),
limits, the time limit, and the stored summary (analyzer doubles; see doubles.py)."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
from typing import Any

import numpy as np
import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from PIL import Image

from config.asgi import application
from detection.consumers.live import KIND_JPEG, KIND_PCM
from detection.models import Detection

from .wsclient import connect, receive, start

pytestmark = pytest.mark.django_db(transaction=True)


def _pcm(samples: np.ndarray) -> bytes:
    return bytes([KIND_PCM]) + samples.astype("<i2").tobytes()


def _jpeg(level: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full((120, 160, 3), level, dtype=np.uint8)).save(buffer, "JPEG")
    return buffer.getvalue()


async def test_anonymous_socket_is_refused() -> None:
    communicator = WebsocketCommunicator(application, "/ws/live/")
    connected, code = await communicator.connect()
    assert not connected
    assert code == 4401


async def test_fallback_session_streams_results_and_stores_a_live_detection(
    user: User, client: Any, doubles: Any, settings: Any
) -> None:
    settings.LIVE_FRAME_FPS = 10.0
    communicator = await connect(user, client)
    ready = await start(communicator)
    assert ready["type"] == "live.ready"
    assert ready["modalities"] == {"video": "analysed", "audio": "analysed"}
    assert ready["config"]["audio_window_s"] == 2.0

    tone = (0.2 * np.sin(np.arange(16_000 * 4) * 2 * np.pi * 200 / 16_000) * 32767).astype("<i2")
    for i, chunk in enumerate(np.array_split(tone, 40)):
        await communicator.send_to(bytes_data=bytes([KIND_PCM]) + chunk.tobytes())
        if i % 4 == 0:
            await communicator.send_to(bytes_data=bytes([KIND_JPEG]) + _jpeg(20 + 5 * i))
        await asyncio.sleep(0.1)
    result = await receive(communicator, "live.result")
    assert result["modality"] in ("video", "audio")

    await communicator.send_json_to({"type": "stop"})
    summary = await receive(communicator, "live.summary", timeout=10)
    assert summary["reason"] == "stopped by the user"
    await communicator.disconnect()

    detection = await database_sync_to_async(Detection.objects.get)(pk=summary["detection"]["id"])
    assert detection.source == "live"
    assert detection.owner_id == user.pk
    assert detection.modality == "multimodal"
    assert detection.status == "completed"
    audio = detection.evidence["audio_timeline"]
    video = detection.evidence["video_timeline"]
    assert [(w["start_s"], w["end_s"]) for w in audio] == [(0.0, 2.0), (1.5, 3.5), (2.0, 4.0)]
    assert len(video) >= 5
    # Grey frames score dark = "human" in the double; the 200 Hz tone at 0.2 scores "ai".
    assert detection.evidence["fusion"]["per_modality"]["audio"]["verdict"] == "ai"
    assert detection.verdict == "ai"
    assert "any modality is ai" in detection.evidence["fusion"]["rule"]
    assert detection.size_bytes == len(tone.tobytes()) + sum(
        len(_jpeg(20 + 5 * i)) for i in range(0, 40, 4)
    )
    assert detection.evidence["live"]["transport"] == "websocket"
    assert detection.sha256 == hashlib.sha256(_canonical(detection)).hexdigest()


def _canonical(detection: Detection) -> bytes:
    """Rebuild the canonical form from the stored timelines (timings excluded)."""

    rows = [
        {k: v for k, v in row.items() if k not in ("latency_ms", "analysis_ms")}
        for row in detection.evidence["video_timeline"] + detection.evidence["audio_timeline"]
    ]
    return json.dumps(rows, sort_keys=True, separators=(",", ":")).encode()


async def test_stored_live_detection_appears_in_history_and_admin(
    user: User, client: Any, doubles: Any, admin_client: Any
) -> None:
    communicator = await connect(user, client)
    await start(communicator, modalities=["audio"])
    await communicator.send_to(
        bytes_data=bytes([KIND_PCM]) + np.full(32_000, 4000, "<i2").tobytes()
    )
    await communicator.send_json_to({"type": "stop"})
    summary = await receive(communicator, "live.summary", timeout=10)
    await communicator.disconnect()
    detection_id = summary["detection"]["id"]
    assert summary["detection"]["modality"] == "audio"

    history = await database_sync_to_async(client.get)("/detections/")
    assert detection_id in history.content.decode()
    admin_list = await database_sync_to_async(admin_client.get)(
        "/admin/detection/detection/?source__exact=live"
    )
    assert admin_list.status_code == 200
    assert detection_id in admin_list.content.decode()


async def test_closing_the_page_mid_session_still_stores_the_summary(
    user: User, client: Any, doubles: Any
) -> None:
    communicator = await connect(user, client)
    await start(communicator, modalities=["audio"])
    await communicator.send_to(
        bytes_data=bytes([KIND_PCM]) + np.full(32_000, 4000, "<i2").tobytes()
    )
    await asyncio.sleep(0.2)
    await communicator.disconnect()
    detection = await database_sync_to_async(Detection.objects.get)(owner=user)
    assert detection.source == "live"
    assert "connection dropped" in detection.evidence["live"]["stop_reason"]


async def test_per_user_session_limit_gives_a_clear_message(
    user: User, client: Any, doubles: Any, settings: Any
) -> None:
    settings.LIVE_MAX_SESSIONS_PER_USER = 1
    first = await connect(user, client)
    assert (await start(first))["type"] == "live.ready"
    second = await connect(user, client)
    await second.send_json_to({"type": "start", "transport": "websocket"})
    refused = await second.receive_json_from()
    assert refused["type"] == "live.error"
    assert refused["code"] == "limit"
    assert "limit is 1" in refused["message"]
    await second.disconnect()
    await first.send_json_to({"type": "stop"})
    await receive(first, "live.summary")
    await first.disconnect()


async def test_session_ends_itself_at_the_time_limit_and_says_so(
    user: User, client: Any, doubles: Any, settings: Any
) -> None:
    settings.LIVE_MAX_SESSION_S = 0.5
    communicator = await connect(user, client)
    await start(communicator)
    summary = await receive(communicator, "live.summary", timeout=5)
    assert summary["reason"] == "the time limit of 0.5 s per live check was reached"
    await communicator.disconnect()


async def test_unreadable_frames_and_bad_messages_are_refused_without_ending_the_session(
    user: User, client: Any, doubles: Any
) -> None:
    communicator = await connect(user, client)
    await start(communicator)
    await communicator.send_to(bytes_data=bytes([KIND_JPEG]) + b"not a jpeg")
    await communicator.send_to(bytes_data=bytes([KIND_JPEG]) + b"\xff\xd8\xff broken")
    await communicator.send_json_to({"type": "dance"})
    error = await receive(communicator, "live.error")
    assert error["code"] == "bad_request"
    await communicator.send_to(text_data="{not json")
    error = await receive(communicator, "live.error")
    assert error["message"] == "text messages must be JSON objects"
    warning = await receive(communicator, "live.warning")
    assert "not a readable JPEG" in warning["message"]
    await communicator.send_json_to({"type": "stop"})
    summary = await receive(communicator, "live.summary")
    assert summary["stats"]["frames_rejected"] == 2
    await communicator.disconnect()
