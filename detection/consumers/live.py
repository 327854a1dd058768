"""WebSocket ``ws/live/``: signalling for WebRTC, the fallback media path, and the results.

Browser -> server, JSON:
  {"type": "start", "transport": "webrtc" | "websocket", "modalities": ["video", "audio"]}
  {"type": "offer", "sdp": "..."}            WebRTC offer with all ICE candidates in it
  {"type": "fallback", "reason": "..."}      WebRTC did not connect: media come over this socket
  {"type": "stop"}
Browser -> server, binary (fallback path): one kind byte, then the payload
  0x01 + JPEG frame          0x02 + PCM, 16 kHz mono signed 16-bit little-endian
Server -> browser, JSON: ``live.loading``, ``live.ready`` (session id, which modalities are
analysed or why not, sampling settings), ``live.answer``, ``live.rtc`` (connection state),
``live.result`` (one frame or audio window), ``live.warning``, ``live.availability``,
``live.error`` (``code``: limit, bad_request, state), ``live.summary`` (the stored detection).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import numpy as np
from channels.db import database_sync_to_async
from django.urls import reverse

from detection.api.parsers import JSONTooDeep
from detection.live.codec import decode_jpeg
from detection.live.config import LiveConfig, live_config
from detection.live.manager import LimitReached, session_manager
from detection.live.records import LIVE_MODALITIES, LiveModality
from detection.live.services import live_detection_store
from detection.live.session import LiveSession
from detection.presentation.rows import reading_of

from .base import AuthenticatedJsonConsumer

logger = logging.getLogger(__name__)

KIND_JPEG = 0x01
KIND_PCM = 0x02
JPEG_MAGIC = b"\xff\xd8\xff"


def _duration(seconds: float) -> str:
    if seconds >= 60:
        return f"{seconds / 60:g} minute(s)"
    return f"{seconds:g} s"


class LiveConsumer(AuthenticatedJsonConsumer):
    session: LiveSession | None = None
    peer: Any = None
    config: LiveConfig
    _finishing = False

    async def accept_authenticated(self, user: Any) -> None:
        self.user = user
        self.config = live_config()
        await self.accept()

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if bytes_data is not None:
            await self._receive_media(bytes_data)
            return
        try:
            content = await self.decode_json(text_data or "")
        except JSONTooDeep as exc:
            await self._error("bad_request", str(exc))
            return
        except ValueError:
            await self._error("bad_request", "text messages must be JSON objects")
            return
        await self.receive_json(content)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "start":
            await self._start(content)
        elif kind == "offer":
            await self._offer(content)
        elif kind == "fallback":
            await self._fallback(str(content.get("reason", ""))[:200])
        elif kind == "stop":
            await self._finish("stopped by the user")
        else:
            await self._error("bad_request", f"unknown message type {kind!r}")

    async def disconnect(self, code: int) -> None:
        await self._finish("the page was closed or the connection dropped")

    # --- steps -----------------------------------------------------------------------------

    async def _start(self, content: dict[str, Any]) -> None:
        if self.session is not None:
            await self._error("state", "a live check is already running on this connection")
            return
        transport = "websocket" if content.get("transport") == "websocket" else "webrtc"
        wanted = content.get("modalities") or list(LIVE_MODALITIES)
        requested: tuple[LiveModality, ...] = tuple(m for m in LIVE_MODALITIES if m in wanted)
        if not requested:
            await self._error(
                "bad_request", "send at least one of camera (video) or microphone (audio)"
            )
            return
        manager = session_manager()
        try:
            manager.check_limits(self.user.pk, self.config)
            await self.send_json({"type": "live.loading", "message": "loading the detectors"})
            self.session = await manager.open(
                owner_id=self.user.pk,
                config=self.config,
                emit=self.send_json,
                requested=requested,
                transport=transport,
                on_time_limit=self._time_limit,
            )
        except LimitReached as exc:
            await self._error("limit", str(exc))
            return
        await self.send_json(
            {
                "type": "live.ready",
                "session": str(self.session.id),
                "transport": transport,
                "modalities": self.session.availability(),
                "config": self.config.public(),
            }
        )

    async def _offer(self, content: dict[str, Any]) -> None:
        from detection.live.rtc import LivePeer

        if self.session is None or self.session.transport != "webrtc" or self.peer is not None:
            await self._error("state", "an offer is only accepted once, after a WebRTC start")
            return
        sdp = content.get("sdp")
        if not isinstance(sdp, str) or not sdp.startswith("v=0"):
            await self._error("bad_request", "the offer has no SDP")
            return
        self.peer = LivePeer(self.session, self.config, self._rtc_state)
        try:
            answer = await self.peer.answer(sdp)
        except Exception as exc:  # aiortc raises ValueError / its own errors for odd SDP
            logger.info("live WebRTC negotiation failed: %s", exc)
            await self._error("webrtc", f"the server could not negotiate WebRTC: {exc}")
            return
        await self.send_json({"type": "live.answer", "sdp": answer})

    async def _rtc_state(self, state: str) -> None:
        await self.send_json({"type": "live.rtc", "state": state})

    async def _fallback(self, reason: str) -> None:
        if self.session is None:
            await self._error("state", "start a live check first")
            return
        if self.peer is not None:
            self.session.stats.bytes_received += await self.peer.bytes_received()
            await self.peer.close()
            self.peer = None
        self.session.transport = "websocket (WebRTC did not connect" + (
            f": {reason})" if reason else ")"
        )
        await self.send_json({"type": "live.transport", "transport": "websocket"})

    async def _receive_media(self, data: bytes) -> None:
        session = self.session
        if session is None or session.stopping or not data:
            return
        kind, payload = data[0], data[1:]
        if kind == KIND_JPEG:
            if len(payload) > self.config.max_frame_bytes or not payload.startswith(JPEG_MAGIC):
                session.stats.frames_rejected += 1
                return
            session.submit_frame(
                functools.partial(decode_jpeg, payload), nbytes=len(payload), jpeg=payload
            )
        elif kind == KIND_PCM:
            if len(payload) > self.config.max_pcm_chunk_bytes or len(payload) % 2:
                return
            session.submit_audio(np.frombuffer(payload, dtype="<i2"), nbytes=len(payload))

    async def _time_limit(self, session: LiveSession) -> None:
        if session is self.session:
            limit = _duration(self.config.max_session_s)
            await self._finish(f"the time limit of {limit} per live check was reached")

    async def _finish(self, reason: str) -> None:
        session = self.session
        if session is None or self._finishing:
            return
        self._finishing = True
        if self.peer is not None:
            session.stats.bytes_received += await self.peer.bytes_received()
            await self.peer.close()
            self.peer = None
        await session_manager().close(session, reason)
        client = self.scope.get("client") or [None]
        models = session.analyzers.models()  # with workers: the models their replies named
        detection = await database_sync_to_async(live_detection_store)(
            session=session, client_address=client[0], models=models
        )
        try:
            await self.send_json(
                {
                    "type": "live.summary",
                    "reason": reason,
                    "detection": {
                        "id": str(detection.id),
                        "page": reverse("frontend:detection", args=[detection.id]),
                        "modality": detection.modality,
                        "verdict": detection.verdict,
                        "probability_ai": detection.probability_ai,
                        "warnings": detection.warnings,
                        # The verdict in the words every page uses (detection.presentation).
                        "reading": reading_of(detection),
                    },
                    "stats": session.stats_json(),
                }
            )
        except Exception:
            logger.debug("live summary not sent: the socket is closed")
        self.session = None
        self._finishing = False

    async def _error(self, code: str, message: str) -> None:
        await self.send_json({"type": "live.error", "code": code, "message": message})
