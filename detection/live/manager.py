"""Every live session of this server process: limits, the analysis threads, time limits.

Limits are per process: a session lives where its WebRTC peer lives. With several web
processes behind a balancer, the per-user cap therefore holds per process (see README).
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from detection import metrics

from .analyzers import LiveAnalyzers, session_analyzers
from .config import LiveConfig
from .records import LIVE_MODALITIES, LiveModality
from .scheduler import AnalysisScheduler
from .session import Emit, LiveSession


class LimitReached(Exception):
    """Starting one more session would break a limit; the message is shown to the user."""


class SessionManager:
    def __init__(self, analyzers_factory: Callable[[], LiveAnalyzers] = session_analyzers) -> None:
        self._sessions: dict[Any, LiveSession] = {}
        self._timers: dict[Any, asyncio.TimerHandle] = {}
        self._analyzers_factory = analyzers_factory
        self._schedulers: dict[LiveModality, AnalysisScheduler] = {}
        self._threads = 0
        self._lock = threading.Lock()

    def schedulers(self, threads: int) -> dict[LiveModality, AnalysisScheduler]:
        """Worker threads per modality, shared fairly by every session of the process.

        Detectors need not be thread-safe with the default of one thread per modality;
        video and voice still run side by side.
        """
        with self._lock:
            if not self._schedulers or (self._threads != threads and not self._sessions):
                for old in self._schedulers.values():
                    old.executor.shutdown(wait=False)  # type: ignore[attr-defined]
                self._schedulers = {
                    m: AnalysisScheduler(
                        m, ThreadPoolExecutor(threads, thread_name_prefix=f"live-{m}"), threads
                    )
                    for m in LIVE_MODALITIES
                }
                self._threads = threads
            return self._schedulers

    def sessions_of(self, owner_id: int) -> list[LiveSession]:
        return [s for s in self._sessions.values() if s.owner_id == owner_id]

    def count(self) -> int:
        return len(self._sessions)

    def check_limits(self, owner_id: int, config: LiveConfig) -> None:
        mine = len(self.sessions_of(owner_id))
        if mine >= config.max_sessions_per_user:
            raise LimitReached(
                f"You already have {mine} live check(s) running (the limit is "
                f"{config.max_sessions_per_user}). Stop one, or close its tab, and try again."
            )
        if len(self._sessions) >= config.max_sessions_total:
            raise LimitReached(
                "The server is running as many live checks as it can right now. "
                "Please try again in a few minutes."
            )

    async def open(
        self,
        *,
        owner_id: int,
        config: LiveConfig,
        emit: Emit,
        requested: tuple[LiveModality, ...] = LIVE_MODALITIES,
        transport: str = "webrtc",
        on_time_limit: Callable[[LiveSession], Any] | None = None,
    ) -> LiveSession:
        """Check the limits, load the detectors (on a thread) and start a session."""
        self.check_limits(owner_id, config)
        analyzers = self._analyzers_factory()
        await analyzers.prepare()
        if not analyzers.loaded:
            await asyncio.to_thread(analyzers.load)
        # Check again: another tab of the same user may have started while models loaded.
        self.check_limits(owner_id, config)
        session = LiveSession(
            owner_id=owner_id,
            config=config,
            analyzers=analyzers,
            schedulers=self.schedulers(config.analysis_threads),
            emit=emit,
            requested=requested,
            transport=transport,
        )
        self._sessions[session.id] = session
        metrics.LIVE_SESSIONS.inc()
        session.start()
        if on_time_limit is not None:
            loop = asyncio.get_running_loop()
            self._timers[session.id] = loop.call_later(
                config.max_session_s, lambda: asyncio.ensure_future(on_time_limit(session))
            )
        return session

    async def close(self, session: LiveSession, reason: str = "stopped") -> None:
        """Stop the session (draining its analyses) and forget it."""
        timer = self._timers.pop(session.id, None)
        if timer is not None:
            timer.cancel()
        try:
            await session.stop(reason)
        finally:
            if self._sessions.pop(session.id, None) is not None:
                metrics.LIVE_SESSIONS.dec()


_manager = SessionManager()


def session_manager() -> SessionManager:
    return _manager
