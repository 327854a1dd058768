from __future__ import annotations

from collections.abc import Iterator

import pytest

from detection.live.analyzers import set_shared_analyzers
from detection.live.manager import session_manager

from .doubles import TimedAudioAnalyzer, TimedFrameAnalyzer, analyzers


@pytest.fixture(autouse=True)
def _no_leftover_sessions() -> Iterator[None]:
    yield
    manager = session_manager()
    leftover = manager.count()
    manager._sessions.clear()
    manager._timers.clear()
    set_shared_analyzers(None)
    assert leftover == 0, "a test left a live session open"


@pytest.fixture
def doubles() -> tuple[TimedFrameAnalyzer, TimedAudioAnalyzer]:
    """Analyzer doubles as the process's shared set (see doubles.py for why)."""
    frames, voice = TimedFrameAnalyzer(), TimedAudioAnalyzer()
    set_shared_analyzers(analyzers(frames, voice))
    return frames, voice
