"""Shares a modality's analysis threads between live sessions, freshest media first.

There is no queue in front of the threads: each session's own bounded queue is the only
place media wait. A lane (one per thread) takes the next session in turn that has
something waiting and pops its item only when the thread is free, so what gets analysed is
what is newest at that moment, and frames that went stale while others were analysed have
already been pushed out of their session's queue (and counted as dropped). With N sessions
and one thread, each session gets every N-th slot, but its results are never N slots old.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor
from typing import Protocol

from .records import LiveModality

logger = logging.getLogger(__name__)


class Schedulable(Protocol):
    def has_work(self, modality: LiveModality) -> bool: ...

    def take(self, modality: LiveModality) -> object | None: ...

    def process(
        self, modality: LiveModality, item: object, executor: Executor
    ) -> Awaitable[None]: ...


class AnalysisScheduler:
    def __init__(self, modality: LiveModality, executor: Executor, lanes: int = 1) -> None:
        self.modality = modality
        self.executor = executor
        self.lanes = max(1, lanes)
        self._sessions: list[Schedulable] = []
        self._tasks: list[asyncio.Task[None]] = []
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def attach(self, session: Schedulable) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # A new event loop (tests run one per test): start afresh on it.
            self._loop, self._wake, self._tasks = loop, asyncio.Event(), []
        if session not in self._sessions:
            self._sessions.append(session)
        self._tasks = [t for t in self._tasks if not t.done()]
        while len(self._tasks) < self.lanes:
            self._tasks.append(loop.create_task(self._lane(), name=f"live-{self.modality}-lane"))
        self.wake()

    def detach(self, session: Schedulable) -> None:
        if session in self._sessions:
            self._sessions.remove(session)
        self.wake()  # idle lanes notice and end when nobody is left

    def wake(self) -> None:
        if self._wake is not None:
            self._wake.set()

    def _next(self) -> Schedulable | None:
        """Round robin over the sessions that have media waiting."""
        for _ in range(len(self._sessions)):
            session = self._sessions.pop(0)
            self._sessions.append(session)
            if session.has_work(self.modality):
                return session
        return None

    async def _lane(self) -> None:
        assert self._wake is not None
        while self._sessions:
            session = self._next()
            if session is None:
                self._wake.clear()
                await self._wake.wait()
                continue
            item = session.take(self.modality)
            if item is None:
                continue
            try:
                await session.process(self.modality, item, self.executor)
            except Exception:
                # A lane must outlive any one session's trouble.
                logger.exception("live %s analysis lane: unexpected error", self.modality)


SchedulerFactory = Callable[[LiveModality], AnalysisScheduler]
