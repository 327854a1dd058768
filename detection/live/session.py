"""One live session: sampling, bounded queues, analysis off the event loop, results out.

Media arrive on the event loop (aiortc tracks or the fallback socket) and are turned into
queue items without any heavy work: frames are sampled to ``frame_fps`` and audio is cut
into windows. At most ``frame_queue`` / ``audio_queue`` items wait per session; when the
detectors fall behind, a newer item pushes the oldest out (counted as dropped). The
modality's :class:`~detection.live.scheduler.AnalysisScheduler` takes items from the
sessions in turn when a worker thread is free and hands them back to :meth:`process`,
which runs the detector on that thread and sends the result.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .analyzers import LiveAnalyzers
from .config import LiveConfig
from .intake import AudioWindower, DropOldestQueue, FrameSampler
from .records import (
    LIVE_MODALITIES,
    AudioItem,
    FrameItem,
    LiveModality,
    WindowRecord,
    WindowScore,
)
from .scheduler import AnalysisScheduler

logger = logging.getLogger(__name__)

Emit = Callable[[dict[str, Any]], Awaitable[None]]

# A modality whose analyzer raises this many times in a row is switched off for the session.
MAX_CONSECUTIVE_FAILURES = 3


@dataclass
class SessionStats:
    frames_received: int = 0
    frames_sampled: int = 0
    frames_dropped: int = 0
    frames_rejected: int = 0
    audio_seconds: float = 0.0
    audio_windows: int = 0
    audio_windows_dropped: int = 0
    bytes_received: int = 0
    # Taken for analysis but not scored in time by a worker (stale on the window queue).
    frames_stale: int = 0
    audio_windows_stale: int = 0
    failures: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "frames_received": self.frames_received,
            "frames_sampled": self.frames_sampled,
            "frames_dropped": self.frames_dropped,
            "frames_rejected": self.frames_rejected,
            "audio_seconds": round(self.audio_seconds, 2),
            "audio_windows": self.audio_windows,
            "audio_windows_dropped": self.audio_windows_dropped,
            "bytes_received": self.bytes_received,
            "frames_stale": self.frames_stale,
            "audio_windows_stale": self.audio_windows_stale,
        }


class LiveSession:
    def __init__(
        self,
        *,
        owner_id: int,
        config: LiveConfig,
        analyzers: LiveAnalyzers,
        emit: Emit,
        schedulers: Mapping[LiveModality, AnalysisScheduler] | None = None,
        executor: Executor | None = None,
        requested: tuple[LiveModality, ...] = LIVE_MODALITIES,
        transport: str = "webrtc",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.id = uuid.uuid4()
        self.owner_id = owner_id
        self.config = config
        self.analyzers = analyzers
        if schedulers is None:
            # A session on its own (tests): private lanes on the given executor.
            if executor is None:
                raise ValueError("a session needs schedulers or an executor")
            schedulers = {m: AnalysisScheduler(m, executor) for m in LIVE_MODALITIES}
        self.schedulers = schedulers
        self.emit = emit
        self.transport = transport
        self.clock = clock
        self.requested = tuple(m for m in LIVE_MODALITIES if m in requested)
        # Modality -> why it is not analysed (not requested, no detector, failing...).
        self.unavailable: dict[str, str] = {}
        self.stats = SessionStats()
        self.records: dict[LiveModality, list[WindowRecord]] = {m: [] for m in LIVE_MODALITIES}
        self.started_at = clock()
        self.started_wall = time.time()
        self.stopped_at: float | None = None
        self.stop_reason = ""
        self._sampler = FrameSampler(config.frame_fps)
        self._windower = AudioWindower(config.audio_window_s, config.audio_overlap_s)
        self._frames: DropOldestQueue[FrameItem] = DropOldestQueue(config.frame_queue)
        self._audio: DropOldestQueue[AudioItem] = DropOldestQueue(config.audio_queue)
        self._inflight: dict[LiveModality, int] = dict.fromkeys(LIVE_MODALITIES, 0)
        self._closed = False
        self._frame_t0: float | None = None
        self._frame_index = 0
        self._stopping = False

    # --- lifecycle -----------------------------------------------------------------------

    @property
    def active(self) -> tuple[LiveModality, ...]:
        return tuple(m for m in self.requested if m not in self.unavailable)

    def availability(self) -> dict[str, str]:
        """modality -> "analysed" or the reason it is not (shown on the page)."""
        out: dict[str, str] = {}
        for modality in LIVE_MODALITIES:
            if modality not in self.requested:
                out[modality] = "not sent by the browser (no device or permission refused)"
            else:
                out[modality] = self.unavailable.get(modality, "analysed")
        return out

    def start(self) -> None:
        for modality, reason in self.analyzers.unavailable().items():
            if modality in self.requested:
                self.unavailable[modality] = reason
        for modality in self.active:
            self.schedulers[modality].attach(self)

    @property
    def elapsed_s(self) -> float:
        end = self.stopped_at if self.stopped_at is not None else self.clock()
        return end - self.started_at

    @property
    def stopping(self) -> bool:
        return self._stopping

    def _drained(self) -> bool:
        waiting = len(self._frames) + len(self._audio)
        return waiting == 0 and not any(self._inflight.values())

    async def stop(self, reason: str = "stopped") -> None:
        """Stop taking media; what is waiting or running is still analysed, up to
        ``drain_timeout_s`` (the last audio window of a call matters)."""
        if self._stopping:
            return
        self._stopping = True
        self.stop_reason = reason
        if "audio" in self.active:
            tail = self._windower.flush()
            if tail is not None:
                self._queue_audio(tail.index, tail.start_s, tail.end_s, tail.samples)
        deadline = self.clock() + self.config.drain_timeout_s
        while not self._drained() and self.clock() < deadline:
            await asyncio.sleep(0.02)
        if not self._drained():
            logger.warning("live session %s: analyses abandoned at stop", self.id)
        self._closed = True
        for modality in LIVE_MODALITIES:
            self.schedulers[modality].detach(self)
        self.stopped_at = self.clock()
        self.stats.frames_dropped = self._frames.dropped
        self.stats.audio_windows_dropped = self._audio.dropped

    # --- media in (event loop; cheap) ----------------------------------------------------

    def submit_frame(
        self,
        decode: Callable[[], np.ndarray],
        *,
        media_t: float | None = None,
        nbytes: int = 0,
        jpeg: bytes | None = None,
    ) -> bool:
        """Offer one camera frame. ``media_t`` is its media timestamp in seconds (RTP time);
        without one the arrival time is used. Returns whether it was queued for analysis."""
        if self._stopping:
            return False
        now = self.clock()
        self.stats.frames_received += 1
        self.stats.bytes_received += nbytes
        if "video" not in self.active:
            return False
        t = now - self.started_at
        if media_t is not None:
            if self._frame_t0 is None:
                self._frame_t0 = media_t - t
            t = media_t - self._frame_t0
        if not self._sampler.offer(t):
            return False
        self.stats.frames_sampled += 1
        item = FrameItem(self._frame_index, t, now, decode, nbytes, jpeg)
        self._frame_index += 1
        self._frames.put(item)
        self.stats.frames_dropped = self._frames.dropped
        self.schedulers["video"].wake()
        return True

    def submit_audio(self, samples: np.ndarray, *, nbytes: int | None = None) -> int:
        """Offer 16 kHz mono samples (int16 or float); returns how many windows were queued."""
        if self._stopping:
            return 0
        self.stats.bytes_received += samples.nbytes if nbytes is None else nbytes
        self.stats.audio_seconds += samples.size / 16_000
        if "audio" not in self.active:
            return 0
        windows = self._windower.push(samples)
        for window in windows:
            self._queue_audio(window.index, window.start_s, window.end_s, window.samples)
        return len(windows)

    def _queue_audio(self, index: int, start_s: float, end_s: float, samples: np.ndarray) -> None:
        self.stats.audio_windows += 1
        self._audio.put(AudioItem(index, start_s, end_s, self.clock(), samples))
        self.stats.audio_windows_dropped = self._audio.dropped
        self.schedulers["audio"].wake()

    # --- analysis (worker threads) --------------------------------------------------------

    def _queue(self, modality: LiveModality) -> DropOldestQueue[Any]:
        return self._frames if modality == "video" else self._audio

    def has_work(self, modality: LiveModality) -> bool:
        return modality not in self.unavailable and len(self._queue(modality)) > 0

    def take(self, modality: LiveModality) -> FrameItem | AudioItem | None:
        """The scheduler's pick, made when a worker thread is free: the newest item, so a
        result is as fresh as it can be; older ones are analysed if time allows."""
        item = self._queue(modality).pop_newest()
        if item is not None:
            self._inflight[modality] += 1
        return item

    async def process(self, modality: LiveModality, item: object, executor: Executor) -> None:
        """Run the detector on ``item`` on ``executor``; record and send the result."""
        assert isinstance(item, FrameItem | AudioItem)
        began = self.clock()
        try:
            score, compute_ms = await asyncio.get_running_loop().run_in_executor(
                executor, self._timed_analysis, modality, item
            )
        except Exception as exc:
            if not self._closed:
                await self._failed(modality, exc)
            return
        finally:
            self._inflight[modality] -= 1
        if self._closed:
            return  # finished after the summary was written: dropped
        self.stats.failures[modality] = 0
        done = self.clock()
        start_s, end_s = (
            (item.t, item.t) if isinstance(item, FrameItem) else (item.start_s, item.end_s)
        )
        record = WindowRecord(
            modality=modality,
            index=item.index,
            start_s=start_s,
            end_s=end_s,
            detector=score.detector,
            probability_ai=score.probability_ai,
            verdict=score.verdict,
            note=score.note,
            latency_ms=(done - item.received_at) * 1000,
            analysis_ms=compute_ms,
            details={**score.details, "waited_ms": round((began - item.received_at) * 1000, 1)},
            done_at=done,
        )
        self.records[modality].append(record)
        await self._send({"type": "live.result", **record.to_json(), "stats": self.stats_json()})

    def _timed_analysis(
        self, modality: LiveModality, item: FrameItem | AudioItem
    ) -> tuple[WindowScore, float]:
        """On the worker thread: the detector's own time, without any waiting."""
        started = time.perf_counter()
        score = self.analyzers.analyse(modality, item)
        return score, (time.perf_counter() - started) * 1000

    async def _failed(self, modality: LiveModality, exc: Exception) -> None:
        from detection.engine.errors import InputRejected
        from detection.execution.errors import WindowDropped

        if isinstance(exc, WindowDropped):
            # Not scored in time (workers busy): the window is dropped, not a failure.
            if modality == "video":
                self.stats.frames_stale += 1
            else:
                self.stats.audio_windows_stale += 1
            return

        if isinstance(exc, InputRejected) and modality == "video":
            # One unreadable frame (a corrupt JPEG on the fallback path) is skipped.
            self.stats.frames_rejected += 1
            await self._send({"type": "live.warning", "message": f"a frame was skipped: {exc}"})
            return
        failures = self.stats.failures.get(modality, 0) + 1
        self.stats.failures[modality] = failures
        logger.warning("live %s analysis failed (%d in a row)", modality, failures, exc_info=exc)
        if failures >= MAX_CONSECUTIVE_FAILURES:
            self.unavailable[modality] = f"switched off after repeated errors: {exc}"
            await self._send({"type": "live.availability", "modalities": self.availability()})

    def stats_json(self) -> dict[str, Any]:
        self.stats.frames_dropped = self._frames.dropped
        self.stats.audio_windows_dropped = self._audio.dropped
        return {**self.stats.to_json(), "elapsed_s": round(self.elapsed_s, 2)}

    async def _send(self, event: dict[str, Any]) -> None:
        try:
            await self.emit(event)
        except Exception:
            # The browser went away mid-session; the summary is still written on stop.
            logger.debug("live session %s: could not send %s", self.id, event.get("type"))
