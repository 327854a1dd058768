"""Session limits and the time limit, on the manager directly."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from detection.live.config import LiveConfig
from detection.live.manager import LimitReached, SessionManager

from .doubles import TimedAudioAnalyzer, TimedFrameAnalyzer, analyzers


async def _emit(event: dict[str, Any]) -> None:
    return None


def _manager() -> SessionManager:
    shared = analyzers(TimedFrameAnalyzer(), TimedAudioAnalyzer())
    return SessionManager(lambda: shared)


async def test_a_user_cannot_open_more_sessions_than_the_limit_but_others_can() -> None:
    manager = _manager()
    config = LiveConfig(max_sessions_per_user=2)
    first = await manager.open(owner_id=1, config=config, emit=_emit)
    await manager.open(owner_id=1, config=config, emit=_emit)
    with pytest.raises(LimitReached, match="limit is 2"):
        await manager.open(owner_id=1, config=config, emit=_emit)
    await manager.open(owner_id=2, config=config, emit=_emit)
    await manager.close(first)
    await manager.open(owner_id=1, config=config, emit=_emit)  # a slot is free again
    assert manager.count() == 3
    for session in list(manager._sessions.values()):
        await manager.close(session)


async def test_the_server_wide_limit_refuses_with_a_try_later_message() -> None:
    manager = _manager()
    config = LiveConfig(max_sessions_per_user=5, max_sessions_total=2)
    a = await manager.open(owner_id=1, config=config, emit=_emit)
    b = await manager.open(owner_id=2, config=config, emit=_emit)
    with pytest.raises(LimitReached, match="try again"):
        await manager.open(owner_id=3, config=config, emit=_emit)
    await manager.close(a)
    await manager.close(b)
    assert manager.count() == 0


async def test_time_limit_calls_back_once_and_close_cancels_it() -> None:
    manager = _manager()
    fired: list[Any] = []

    async def on_limit(session: Any) -> None:
        fired.append(session)
        await manager.close(session, "time limit")

    config = LiveConfig(max_session_s=0.1)
    ends = await manager.open(owner_id=1, config=config, emit=_emit, on_time_limit=on_limit)
    stopped = await manager.open(owner_id=2, config=config, emit=_emit, on_time_limit=on_limit)
    await manager.close(stopped)
    await asyncio.sleep(0.3)
    assert fired == [ends]
    assert ends.stop_reason == "time limit"
    assert manager.count() == 0


async def test_detectors_load_once_off_the_event_loop() -> None:
    loads: list[str] = []
    import threading

    main = threading.get_ident()

    def slow_factory() -> TimedFrameAnalyzer:
        loads.append("main" if threading.get_ident() == main else "worker")
        return TimedFrameAnalyzer()

    from detection.live.analyzers import LiveAnalyzers

    shared = LiveAnalyzers({"video": slow_factory})
    manager = SessionManager(lambda: shared)
    config = LiveConfig()
    s1 = await manager.open(owner_id=1, config=config, emit=_emit)
    s2 = await manager.open(owner_id=2, config=config, emit=_emit)
    assert loads == ["worker"]
    assert s1.availability()["audio"].startswith("not available")
    await manager.close(s1)
    await manager.close(s2)


async def test_open_sessions_are_counted_in_the_live_sessions_gauge() -> None:
    from prometheus_client import REGISTRY

    def active() -> float:
        return REGISTRY.get_sample_value("aidetect_live_sessions_active") or 0.0

    manager = _manager()
    before = active()
    session = await manager.open(owner_id=1, config=LiveConfig(), emit=_emit)
    assert active() == before + 1
    await manager.close(session)
    await manager.close(session)  # closing twice counts once
    assert active() == before
