"""Sessions share a modality's analysis thread fairly, and results stay fresh."""

from __future__ import annotations

import asyncio
from typing import Any

from detection.live.config import LiveConfig
from detection.live.manager import SessionManager

from .doubles import TimedFrameAnalyzer, analyzers, grey_frame


async def _emit(event: dict[str, Any]) -> None:
    return None


async def test_three_sessions_on_one_thread_take_turns_and_get_fresh_frames() -> None:
    delay = 0.25
    frames = TimedFrameAnalyzer(delay=delay)
    shared = analyzers(frames)
    manager = SessionManager(lambda: shared)
    config = LiveConfig(frame_fps=10.0, analysis_threads=1)
    sessions = [await manager.open(owner_id=i, config=config, emit=_emit) for i in range(3)]
    for i in range(40):  # 4 s of 10 fps camera in each session
        for s in sessions:
            s.submit_frame(lambda: grey_frame(100), media_t=i / 10)
        await asyncio.sleep(0.1)
    for s in sessions:
        await manager.close(s)

    counts = [len(s.records["video"]) for s in sessions]
    # ~4 s / 0.25 s = 16 analyses in all, shared round robin.
    assert sum(counts) >= 10
    assert max(counts) - min(counts) <= 1
    # One thread for the whole process: never two frames analysed at once...
    assert frames.max_busy == 1
    # ...yet results are not three sessions' worth of analyses old: the frame analysed is
    # the newest one when the thread comes free, not one queued behind the other sessions'
    # (a FIFO in front of the thread would put the median near 3 x delay).
    latencies = sorted(r.latency_ms for s in sessions for r in s.records["video"])
    assert latencies[len(latencies) // 2] < 1000 * 2 * delay
    assert all(s.stats.frames_dropped > 0 for s in sessions)
