"""The live session: sampling, back-pressure, audio windows, failures (analyzer doubles)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np
import pytest

from detection.live.config import LiveConfig
from detection.live.session import MAX_CONSECUTIVE_FAILURES, LiveSession

from .doubles import BrokenAnalyzer, TimedAudioAnalyzer, TimedFrameAnalyzer, analyzers, grey_frame


@pytest.fixture
def executor() -> Any:
    pool = ThreadPoolExecutor(2)
    yield pool
    pool.shutdown(wait=True)


def make_session(executor: Any, video: Any = None, audio: Any = None, **config: Any) -> Any:
    events: list[dict[str, Any]] = []

    async def emit(event: dict[str, Any]) -> None:
        events.append(event)

    session = LiveSession(
        owner_id=1,
        config=LiveConfig(**config),
        analyzers=analyzers(video, audio),
        executor=executor,
        emit=emit,
    )
    session.start()
    return session, events


async def feed_camera(session: Any, seconds: float, fps: float = 20.0) -> None:
    """Frames at ``fps`` in real time; brightness rises so later frames are brighter."""
    n = int(seconds * fps)
    for i in range(n):
        level = int(255 * i / n)
        session.submit_frame(lambda lv=level: grey_frame(lv), media_t=i / fps)
        await asyncio.sleep(1 / fps)


async def test_frames_are_analysed_at_the_configured_rate_when_analysis_keeps_up(
    executor: Any,
) -> None:
    frames = TimedFrameAnalyzer(delay=0.02)
    session, events = make_session(executor, video=frames, frame_fps=4.0)
    await feed_camera(session, 2.0)
    await session.stop()
    results = [e for e in events if e["type"] == "live.result"]
    assert session.stats.frames_received == 40
    assert session.stats.frames_sampled == 8
    assert len(results) == 8
    assert session.stats.frames_dropped == 0
    assert all(r["latency_ms"] < 1000 for r in results)


async def test_slow_analysis_drops_older_frames_and_never_queues_more_than_the_limit(
    executor: Any,
) -> None:
    frames = TimedFrameAnalyzer(delay=0.6)
    session, events = make_session(executor, video=frames, frame_fps=10.0, frame_queue=1)
    await feed_camera(session, 3.0)
    waiting_at_end = len(session._frames)
    await session.stop()
    stats = session.stats
    assert stats.frames_sampled == 30
    assert waiting_at_end <= 1
    # ~5-6 analysed in 3 s at 0.6 s each (plus the last waiting one); the rest were dropped.
    analysed = len([e for e in events if e["type"] == "live.result"])
    assert analysed + stats.frames_dropped == stats.frames_sampled
    assert stats.frames_dropped >= 20
    # One analysis at a time per session: the queue, not the thread pool, absorbs the load.
    assert frames.max_busy == 1
    # What was analysed is the newest media: brightness (rising over time) keeps increasing
    # and the last frame offered is among the analysed ones.
    assert frames.seen == sorted(frames.seen)
    assert frames.seen[-1] > 0.9


async def test_audio_is_cut_into_overlapping_windows_and_the_tail_is_scored_on_stop(
    executor: Any,
) -> None:
    voice = TimedAudioAnalyzer()
    session, events = make_session(executor, audio=voice)
    tone = (0.3 * np.sin(np.arange(16_000 * 5) * 2 * np.pi * 220 / 16_000) * 32767).astype(np.int16)
    for chunk in np.array_split(tone, 50):  # 100 ms chunks
        session.submit_audio(chunk)
        await asyncio.sleep(0)
    await session.stop()
    results = [e for e in events if e["type"] == "live.result"]
    # The newest waiting window is analysed first, so results may come out of order.
    spans = sorted((r["start_s"], r["end_s"]) for r in results)
    assert spans == [(0.0, 2.0), (1.5, 3.5), (3.0, 5.0)]
    assert voice.windows == [32_000] * 3
    assert all(r["probability_ai"] is not None for r in results)


async def test_silent_windows_are_reported_without_a_verdict(executor: Any) -> None:
    session, events = make_session(executor, audio=TimedAudioAnalyzer())
    session.submit_audio(np.zeros(16_000 * 2, dtype=np.int16))
    await session.stop()
    (result,) = [e for e in events if e["type"] == "live.result"]
    assert result["probability_ai"] is None
    assert result["note"] == "no speech in this window"


async def test_a_missing_detector_leaves_its_modality_unavailable_with_the_reason(
    executor: Any,
) -> None:
    session, events = make_session(executor, audio=TimedAudioAnalyzer())
    session.submit_frame(lambda: grey_frame(10), media_t=0.0)
    session.submit_audio(np.full(32_000, 5000, dtype=np.int16))
    await session.stop()
    availability = session.availability()
    assert availability["audio"] == "analysed"
    assert availability["video"] == "not available: no video detector in this test"
    assert {e["modality"] for e in events if e["type"] == "live.result"} == {"audio"}
    assert session.stats.frames_received == 1  # counted, not analysed


async def test_an_analyzer_that_keeps_failing_is_switched_off_for_the_session(
    executor: Any,
) -> None:
    session, events = make_session(executor, video=BrokenAnalyzer(), frame_fps=20.0)
    for i in range(MAX_CONSECUTIVE_FAILURES + 2):
        session.submit_frame(lambda: grey_frame(10), media_t=i / 10)
        await asyncio.sleep(0.05)
    await session.stop()
    assert session.availability()["video"].startswith("switched off after repeated errors")
    assert any(e["type"] == "live.availability" for e in events)


async def test_stop_waits_for_running_analyses_but_gives_up_after_the_drain_timeout(
    executor: Any,
) -> None:
    session, events = make_session(
        executor, video=TimedFrameAnalyzer(delay=1.0), drain_timeout_s=0.2
    )
    session.submit_frame(lambda: grey_frame(10), media_t=0.0)
    await asyncio.sleep(0.05)
    await asyncio.wait_for(session.stop(), timeout=1.0)
    assert not [e for e in events if e["type"] == "live.result"]


async def test_media_after_stop_are_ignored(executor: Any) -> None:
    session, _ = make_session(executor, video=TimedFrameAnalyzer(), audio=TimedAudioAnalyzer())
    await session.stop()
    assert not session.submit_frame(lambda: grey_frame(1), media_t=0.0)
    assert session.submit_audio(np.zeros(64_000, dtype=np.int16)) == 0


class _NoWorkerInTime:
    """Stands in for the workers when none scores a frame before its expiry."""

    name = "test.stale"
    models: list[Any] = []

    def analyse_frame(self, rgb: np.ndarray) -> Any:
        from detection.execution.errors import WindowDropped

        raise WindowDropped("no worker scored the video window within 3 s")


async def test_frames_no_worker_scored_in_time_are_counted_stale_not_failures(
    executor: Any,
) -> None:
    session, events = make_session(executor, video=_NoWorkerInTime(), frame_fps=4.0)
    await feed_camera(session, 1.5)
    await session.stop()
    stale = session.stats.frames_stale
    assert stale >= MAX_CONSECUTIVE_FAILURES  # more than would switch a failing one off
    assert session.availability()["video"] == "analysed"  # never switched off
    assert session.stats_json()["frames_stale"] == stale
    assert not [e for e in events if e["type"] == "live.result"]
