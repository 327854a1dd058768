"""Run as a subprocess by test_web_paths_stay_light: the web process (as daphne loads it,
Celery executor) serves HTTP, a text stream, a live check over the socket and a live
check over WebRTC; after each path it prints which model runtimes are imported.

Environment: CHECK_TOKEN (a Bearer token), plus the services' DATABASE_URL and REDIS_URL.
"""

from __future__ import annotations

import asyncio
import io
import json
import os
import sys
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

HEAVY = ("torch", "onnxruntime", "ctranslate2", "transformers", "cv2")
TEXT = " ".join(
    [
        "The",
        "ferry",
        "left",
        "the",
        "harbour",
        "late",
        "because",
        "a",
        "delivery",
        "van",
        "had",
        "parked",
        "across",
        "the",
        "ramp,",
        "and",
        "passengers",
        "waited",
        "on",
        "the",
        "quay",
        "with",
        "coffee",
        "going",
        "cold",
        "in",
        "paper",
        "cups.",
    ]
    * 6
)


def heavy() -> list[str]:
    return sorted(m for m in HEAVY if m in sys.modules)


async def _next(communicator: Any, kinds: tuple[str, ...], timeout: float) -> dict[str, Any]:
    while True:
        message = await communicator.receive_json_from(timeout=timeout)
        if message["type"] in kinds:
            return dict(message)


def _headers() -> list[tuple[bytes, bytes]]:
    return [(b"authorization", f"Bearer {os.environ['CHECK_TOKEN']}".encode())]


async def text_stream(application: Any) -> dict[str, Any]:
    from channels.testing import WebsocketCommunicator

    ws = WebsocketCommunicator(application, "/ws/text/stream/?window=60", headers=_headers())
    assert (await ws.connect())[0]
    await _next(ws, ("ready",), 10)
    await ws.send_json_to({"type": "text", "text": TEXT})
    window = await _next(ws, ("window", "skipped"), 40)
    await ws.disconnect()
    return window


def _jpeg() -> bytes:
    import numpy as np
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(np.full((120, 160, 3), 128, dtype=np.uint8)).save(out, format="JPEG")
    return out.getvalue()


def _pcm(seconds: float) -> bytes:
    import numpy as np

    t = np.arange(int(16_000 * seconds)) / 16_000
    return (np.sin(2 * np.pi * 220 * t) * 8000).astype("<i2").tobytes()


async def live_socket(application: Any) -> dict[str, Any]:
    from channels.testing import WebsocketCommunicator

    ws = WebsocketCommunicator(application, "/ws/live/", headers=_headers())
    assert (await ws.connect())[0]
    await ws.send_json_to({"type": "start", "transport": "websocket"})
    await _next(ws, ("live.ready",), 30)
    for _ in range(3):
        await ws.send_to(bytes_data=b"\x01" + _jpeg())
        await ws.send_to(bytes_data=b"\x02" + _pcm(1.0))
        await asyncio.sleep(0.6)
    await asyncio.sleep(2.0)  # the workers' replies (or the windows' expiry)
    await ws.send_json_to({"type": "stop"})
    summary = await _next(ws, ("live.summary",), 40)
    await ws.disconnect()
    return summary


async def live_webrtc(application: Any) -> dict[str, Any]:
    from aiortc import RTCPeerConnection, RTCSessionDescription
    from aiortc.mediastreams import AudioStreamTrack, VideoStreamTrack
    from channels.testing import WebsocketCommunicator

    from detection.live.rtc import restrict_ice_host_addresses

    restrict_ice_host_addresses(["127.0.0.1"])
    ws = WebsocketCommunicator(application, "/ws/live/", headers=_headers())
    assert (await ws.connect())[0]
    await ws.send_json_to({"type": "start", "transport": "webrtc"})
    await _next(ws, ("live.ready",), 30)
    pc = RTCPeerConnection()
    pc.addTrack(VideoStreamTrack())
    pc.addTrack(AudioStreamTrack())
    try:
        await pc.setLocalDescription(await pc.createOffer())
        await ws.send_json_to({"type": "offer", "sdp": pc.localDescription.sdp})
        answer = await _next(ws, ("live.answer", "live.error"), 20)
        assert answer["type"] == "live.answer", answer
        await pc.setRemoteDescription(RTCSessionDescription(sdp=answer["sdp"], type="answer"))
        state = ""
        while state != "connected":
            state = (await _next(ws, ("live.rtc",), 20))["state"]
        await asyncio.sleep(4.0)  # media flow; frames are sampled and sent to the workers
        await ws.send_json_to({"type": "stop"})
        summary = await _next(ws, ("live.summary",), 40)
    finally:
        await pc.close()
        await ws.disconnect()
    return summary


async def main() -> None:
    from django.test import Client

    from config.asgi import application

    report: dict[str, Any] = {}
    client = Client()
    for path in ("/health", "/ready", "/metrics", "/api/schema/", "/accounts/login/"):
        client.get(path)
    report["http"] = heavy()
    report["text_window"] = await text_stream(application)
    report["text_stream"] = heavy()
    report["live_socket_summary"] = await live_socket(application)
    report["live_socket"] = heavy()
    report["webrtc_summary"] = await live_webrtc(application)
    report["webrtc"] = heavy()
    print("REPORT " + json.dumps(report, default=str))


if __name__ == "__main__":
    asyncio.run(main())
