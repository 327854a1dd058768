"""The server's WebRTC peer (aiortc): receives the camera and microphone of one session.

Offer and answer travel over the live WebSocket; ICE is not trickled (aiortc gathers its
candidates before it answers, and the browser sends its offer once gathering completes).
Video frames stay encoded-then-decoded ``av.VideoFrame`` objects until a sampled one
reaches an analysis thread, where it becomes an RGB array; audio is resampled to 16 kHz
mono on the event loop (cheap: 20 ms packets) and fed to the session's windower.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from .config import LiveConfig
from .session import LiveSession

logger = logging.getLogger(__name__)

StateCallback = Callable[[str], Awaitable[None]]


def restrict_ice_host_addresses(addresses: Sequence[str]) -> None:
    """Make aioice gather host candidates only on ``addresses`` (empty: its own lookup).

    aioice never offers 127.0.0.1, so a machine (or test namespace) whose only network is
    loopback could not connect at all. This replaces aioice's module-level lookup, which
    affects every peer of the process: it is meant for tests and single-host setups.
    """
    import aioice.ice

    original = getattr(aioice.ice, "_aidetect_original_lookup", None)
    if original is None:
        original = aioice.ice.get_host_addresses
        aioice.ice._aidetect_original_lookup = original  # type: ignore[attr-defined]
    if not addresses:
        aioice.ice.get_host_addresses = original
        return
    chosen = list(addresses)

    def lookup(use_ipv4: bool, use_ipv6: bool) -> list[str]:
        return [a for a in chosen if (use_ipv6 if ":" in a else use_ipv4)]

    aioice.ice.get_host_addresses = lookup


def _to_rgb(frame: Any) -> Any:
    return frame.to_ndarray(format="rgb24")


class LivePeer:
    def __init__(self, session: LiveSession, config: LiveConfig, on_state: StateCallback) -> None:
        from aiortc import RTCConfiguration, RTCIceServer, RTCPeerConnection

        restrict_ice_host_addresses(config.ice_host_addresses)
        servers = [RTCIceServer(urls=url) for url in config.ice_servers]
        self.pc = RTCPeerConnection(configuration=RTCConfiguration(iceServers=servers))
        self.session = session
        self._on_state = on_state
        self._tasks: list[asyncio.Task[None]] = []
        self._closed = False
        self.pc.on("track", self._on_track)
        self.pc.on("connectionstatechange", self._on_connection_state)

    @property
    def state(self) -> str:
        return str(self.pc.connectionState)

    async def answer(self, offer_sdp: str) -> str:
        """Apply the browser's offer; return the answer SDP (with every candidate in it)."""
        from aiortc import RTCSessionDescription

        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        answer = await self.pc.createAnswer()
        await self.pc.setLocalDescription(answer)
        return str(self.pc.localDescription.sdp)

    def _on_track(self, track: Any) -> None:
        if track.kind == "video":
            self._tasks.append(asyncio.create_task(self._pump_video(track)))
        elif track.kind == "audio":
            self._tasks.append(asyncio.create_task(self._pump_audio(track)))

    async def _on_connection_state(self) -> None:
        state = self.state
        logger.info("live session %s: WebRTC %s", self.session.id, state)
        await self._on_state(state)

    async def _pump_video(self, track: Any) -> None:
        from aiortc.mediastreams import MediaStreamError

        while not self._closed:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            media_t = float(frame.time) if frame.time is not None else None
            # Bind the frame now; it becomes RGB only if sampled, on a worker thread.
            self.session.submit_frame(functools.partial(_to_rgb, frame), media_t=media_t)

    async def _pump_audio(self, track: Any) -> None:
        import av
        from aiortc.mediastreams import MediaStreamError

        resampler = av.AudioResampler(format="s16", layout="mono", rate=16_000)
        while not self._closed:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            for out in resampler.resample(frame):
                samples = out.to_ndarray().reshape(-1)
                self.session.submit_audio(samples, nbytes=0)

    async def bytes_received(self) -> int:
        """Bytes that came in over the DTLS transport (all media packets, encrypted)."""
        try:
            report = await self.pc.getStats()
        except Exception:  # aiortc raises various errors on a half-closed connection
            return 0
        return sum(
            int(getattr(s, "bytesReceived", 0) or 0)
            for s in report.values()
            if s.type == "transport"
        )

    async def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.pc.close()
