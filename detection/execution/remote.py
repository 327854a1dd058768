"""The web process's side of the window queue: send a window to a worker, await its reply.

Each window becomes one ``score_window`` task on ``DETECTION_WINDOW_QUEUE`` with a Celery
expiry; the worker scores it (``windows.score_payload``) and sends the reply to this
process's inbox channel on the channel layer. One inbox per process and event loop: a
task on the loop receives replies and hands each to the waiting caller by request id. A
reply that does not come before the window's expiry (plus a short grace for the way
back) means the window went stale in the queue: it is dropped and counted, and a late
reply is thrown away.

Nothing here imports a model runtime: this is what keeps daphne light.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
import time
import uuid
from typing import Any

from channels.layers import get_channel_layer
from django.conf import settings

from detection import metrics

from .errors import WindowDropped

logger = logging.getLogger(__name__)

# Time allowed for the reply's way back past the window's own expiry.
REPLY_GRACE_S = 0.5
WINDOW_TASK = "detection.tasks.score_window"


def workers_score_windows() -> bool:
    """Whether windows go to the workers (Celery executor) or run on local threads."""
    return str(settings.DETECTION_EXECUTOR) == "celery"


class ReplyInbox:
    def __init__(self) -> None:
        self.channel: str | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._waiting: dict[str, concurrent.futures.Future[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    async def open(self) -> str:
        """Start listening on this event loop (idempotent); returns the inbox channel."""
        loop = asyncio.get_running_loop()
        if self._task is None or self._task.done() or self._loop is not loop:
            layer = get_channel_layer()
            if layer is None:
                raise RuntimeError("windows on workers need a channel layer")
            # The default prefix: channels_redis reads every process-specific channel of a
            # process from one key, so one with a prefix of its own would never be read
            # while a consumer of the same process is receiving.
            self.channel = await layer.new_channel()
            self._loop = loop
            self._task = loop.create_task(self._listen(layer, self.channel), name="window-inbox")
        assert self.channel is not None
        return self.channel

    async def _listen(self, layer: Any, channel: str) -> None:
        while True:
            try:
                message = await layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.warning("window inbox: receive failed; retrying", exc_info=True)
                await asyncio.sleep(0.5)
                continue
            with self._lock:
                waiting = self._waiting.pop(str(message.get("request")), None)
            if waiting is not None and not waiting.done():
                waiting.set_result(message)

    def expect(self, request: str) -> concurrent.futures.Future[dict[str, Any]]:
        future: concurrent.futures.Future[dict[str, Any]] = concurrent.futures.Future()
        with self._lock:
            self._waiting[request] = future
        return future

    def forget(self, request: str) -> None:
        with self._lock:
            self._waiting.pop(request, None)


_inbox = ReplyInbox()


def inbox() -> ReplyInbox:
    return _inbox


def _send(kind: str, payload: str, request: str, reply_to: str, expires_s: float) -> None:
    from config.celery import task_named

    # Looked up by name: the tasks import this package, so it must not import them.
    task_named(WINDOW_TASK).apply_async(
        kwargs={
            "kind": kind,
            "payload": payload,
            "reply_to": reply_to,
            "request": request,
            "deadline": time.time() + expires_s,
        },
        queue=settings.DETECTION_WINDOW_QUEUE,
        expires=expires_s,
    )


def score_blocking(kind: str, payload: str, *, expires_s: float) -> dict[str, Any]:
    """From a thread (a live session's analysis lane): send and wait for the reply.
    ``inbox().open()`` must have run on the event loop first. Raises WindowDropped."""
    channel = _inbox.channel
    if channel is None:
        raise RuntimeError("the window inbox is not open")
    request = uuid.uuid4().hex
    future = _inbox.expect(request)
    try:
        _send(kind, payload, request, channel, expires_s)
        reply = future.result(timeout=expires_s + REPLY_GRACE_S)
    except concurrent.futures.TimeoutError as exc:
        metrics.WINDOWS.labels(kind=kind, outcome="dropped").inc()
        raise WindowDropped(f"no worker scored the {kind} window within {expires_s:g} s") from exc
    finally:
        _inbox.forget(request)
    return _checked(kind, reply, expires_s)


async def score(kind: str, payload: str, *, expires_s: float) -> dict[str, Any]:
    """From the event loop (the text stream): send and await the reply."""
    channel = await _inbox.open()
    request = uuid.uuid4().hex
    future = _inbox.expect(request)
    try:
        await asyncio.to_thread(_send, kind, payload, request, channel, expires_s)
        reply = await asyncio.wait_for(asyncio.wrap_future(future), expires_s + REPLY_GRACE_S)
    except TimeoutError as exc:
        metrics.WINDOWS.labels(kind=kind, outcome="dropped").inc()
        raise WindowDropped(f"no worker scored the {kind} window within {expires_s:g} s") from exc
    finally:
        _inbox.forget(request)
    return _checked(kind, reply, expires_s)


def _checked(kind: str, reply: dict[str, Any], expires_s: float) -> dict[str, Any]:
    """The reply, or the engine error it reports raised again on this side."""
    from detection.engine.errors import EngineError, InputRejected

    if reply.get("dropped"):
        metrics.WINDOWS.labels(kind=kind, outcome="dropped").inc()
        raise WindowDropped(f"the {kind} window waited longer than {expires_s:g} s for a worker")
    if "error" in reply:
        raise (InputRejected if reply.get("rejected") else EngineError)(str(reply["error"]))
    return reply
