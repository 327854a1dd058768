"""WebSocket ws/text/stream/: score text as it is typed or received, one window at a time.

Protocol (JSON messages):

- client -> server: ``{"type": "text", "text": "..."}`` appends a piece of text;
  ``{"type": "flush"}`` scores the uncovered tail (e.g. at the end of a chat message);
  ``{"type": "reset"}`` starts over.
- server -> client: ``{"type": "ready", ...settings}`` once connected;
  ``{"type": "window", "index", "start", "end", "words", "final", "result"}`` per scored
  window (``result`` is a DetectionResult dict); ``{"type": "window", ..., "error"}`` when
  the window cannot be judged; ``{"type": "skipped", "indexes": [...]}`` when windows were
  dropped because the client sends faster than the server scores;
  ``{"type": "error", "message"}`` for a bad message.

Window size and overlap come from the query string (``?window=120&overlap=40``, in words)
within bounds. Each window goes through ``execution.run``: on a worker over the window
queue with the Celery executor (``execution.remote``; a window no worker scored within
``DETECTION_STREAM_WINDOW_EXPIRY_S`` is reported ``skipped`` with reason ``stale``), or on
a small thread pool of this process in embedded mode. At most ``MAX_PENDING`` windows
wait per connection (older ones are dropped first, and the client is told), and a
connection's buffer is bounded (``streaming.TextStream``).

There are at most ``TEXT_STREAM_MAX_PER_USER`` open streams per account and
``TEXT_STREAM_MAX_TOTAL`` in all, per server process (as live checks): one more gets
``{"type": "error", "code": "limit"}`` and the socket closes with 4429.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections import Counter
from typing import Any
from urllib.parse import parse_qs

from django.conf import settings

from detection.engine.text.streaming import StreamSettings, StreamWindow, TextStream
from detection.execution import remote, windows
from detection.execution.errors import WindowDropped

from .base import CLOSE_THROTTLED, AuthenticatedJsonConsumer

MAX_PENDING = 4
MAX_MESSAGE_CHARS = 64_000
WINDOW_BOUNDS = (40, 600)
# One scoring thread per process by default: the models use every core already, and a
# second concurrent window would only slow both down.
_EXECUTOR = concurrent.futures.ThreadPoolExecutor(
    max_workers=settings.DETECTION_TEXT_STREAM_THREADS,
    thread_name_prefix="text-stream",
)


class StreamLimitReached(Exception):
    """One more stream would break a limit; the message is shown to the user."""


class StreamSlots:
    """Open text streams of this process, per account and in all."""

    def __init__(self) -> None:
        self._open: Counter[Any] = Counter()
        self._lock = threading.Lock()

    def take(self, owner_id: Any) -> None:
        per_user, total = settings.TEXT_STREAM_MAX_PER_USER, settings.TEXT_STREAM_MAX_TOTAL
        with self._lock:
            mine = self._open[owner_id]
            if mine >= per_user:
                raise StreamLimitReached(
                    f"You already have {mine} text streams open (the limit is {per_user}); "
                    "close one and try again."
                )
            if sum(self._open.values()) >= total:
                raise StreamLimitReached(
                    "The server is running as many text streams as it can right now; "
                    "please try again in a few minutes."
                )
            self._open[owner_id] += 1

    def give_back(self, owner_id: Any) -> None:
        with self._lock:
            self._open[owner_id] -= 1
            if self._open[owner_id] <= 0:
                del self._open[owner_id]


_slots = StreamSlots()


def score_window(text: str) -> dict[str, Any]:
    """The text modality's default detector on one window (embedded: a local thread)."""
    return windows.score_text(text)


async def _score(text: str) -> dict[str, Any]:
    if remote.workers_score_windows():
        reply = await remote.score(
            "text", text, expires_s=settings.DETECTION_STREAM_WINDOW_EXPIRY_S
        )
        return dict(reply["result"])
    return await asyncio.get_running_loop().run_in_executor(_EXECUTOR, score_window, text)


def _settings(query: bytes) -> StreamSettings:
    params = parse_qs(query.decode("latin-1"))

    def number(name: str, default: int) -> int:
        try:
            return int(params.get(name, [default])[0])
        except ValueError:
            return default

    lo, hi = WINDOW_BOUNDS
    window = min(max(number("window", 120), lo), hi)
    overlap = min(max(number("overlap", 40), 0), window // 2)
    return StreamSettings(window_words=window, overlap_words=overlap)


class TextStreamConsumer(AuthenticatedJsonConsumer):
    stream: TextStream
    pending: asyncio.Queue[StreamWindow]
    worker: asyncio.Task[None] | None = None
    slot_owner: Any = None

    async def accept_authenticated(self, user: Any) -> None:
        try:
            _slots.take(user.pk)
        except StreamLimitReached as exc:
            await self.accept()
            await self.send_json({"type": "error", "code": "limit", "message": str(exc)})
            await self.close(code=CLOSE_THROTTLED)
            return
        self.slot_owner = user.pk
        self.stream = TextStream(_settings(self.scope.get("query_string", b"")))
        self.pending = asyncio.Queue()
        await self.accept()
        self.worker = asyncio.create_task(self._score_loop())
        s = self.stream.settings
        await self.send_json(
            {
                "type": "ready",
                "window_words": s.window_words,
                "overlap_words": s.overlap_words,
                "min_words": s.min_words,
                "max_pending": MAX_PENDING,
                "max_message_chars": MAX_MESSAGE_CHARS,
            }
        )

    async def disconnect(self, code: int) -> None:
        if self.worker is not None:
            self.worker.cancel()
        if self.slot_owner is not None:
            _slots.give_back(self.slot_owner)
            self.slot_owner = None

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "text":
            text = content.get("text")
            if not isinstance(text, str):
                await self._error("'text' must be a string")
                return
            if len(text) > MAX_MESSAGE_CHARS:
                await self._error(f"a message may carry at most {MAX_MESSAGE_CHARS:,} characters")
                return
            for window in self.stream.feed(text):
                await self._enqueue(window)
        elif kind == "flush":
            tail = self.stream.flush()
            if tail is not None:
                await self._enqueue(tail)
        elif kind == "reset":
            self.stream.reset()
            while not self.pending.empty():
                self.pending.get_nowait()
        else:
            await self._error("message type must be 'text', 'flush' or 'reset'")

    async def _enqueue(self, window: StreamWindow) -> None:
        skipped = []
        while self.pending.qsize() >= MAX_PENDING:
            skipped.append(self.pending.get_nowait().index)
        if skipped:
            await self.send_json({"type": "skipped", "indexes": skipped})
        self.pending.put_nowait(window)

    async def _score_loop(self) -> None:
        from detection.engine.errors import EngineError

        while True:
            window = await self.pending.get()
            message: dict[str, Any] = {
                "type": "window",
                "index": window.index,
                "start": window.start,
                "end": window.end,
                "words": window.words,
                "final": window.final,
            }
            try:
                message["result"] = await _score(window.text)
            except WindowDropped:
                await self.send_json(
                    {"type": "skipped", "indexes": [window.index], "reason": "stale"}
                )
                continue
            except EngineError as exc:
                message["error"] = str(exc)
            await self.send_json(message)

    async def _error(self, message: str) -> None:
        await self.send_json({"type": "error", "message": message})
