"""Where delivery attempts run, following DETECTION_EXECUTOR as jobs do: a Celery task on the
``default`` queue (retried with countdown), a timer thread in embedded mode, or inline
(tests, scripts: the back-off is slept)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.db import close_old_connections, transaction

from detection.dispatch import executor_mode

from .models import Callback, CallbackState

logger = logging.getLogger(__name__)

DELIVER_TASK = "detection.webhooks.deliver"


def callback_start(callback_id: Any) -> None:
    """The job ended: queue the first attempt, once (a second end is ignored)."""
    started = Callback.objects.filter(pk=callback_id, state=CallbackState.WAITING).update(
        state=CallbackState.SENDING
    )
    if started:
        transaction.on_commit(lambda: schedule(callback_id, delay_s=0.0))


def schedule(callback_id: Any, *, delay_s: float) -> None:
    mode = executor_mode()
    if mode == "celery":
        from config.celery import task_named

        # By name, as jobs are sent: the task module imports this one, never the reverse.
        task_named(DELIVER_TASK).apply_async(args=(str(callback_id),), countdown=delay_s)
    elif mode == "thread":
        timer = threading.Timer(delay_s, _run_in_thread, args=(callback_id,))
        timer.daemon = True
        timer.start()
    else:
        _run_inline(callback_id, delay_s)


def _run_inline(callback_id: Any, delay_s: float) -> None:
    from .services import callback_attempt

    delay: float | None = delay_s
    while delay is not None:
        time.sleep(delay)
        delay = callback_attempt(callback_id)


def attempt_then_schedule(callback_id: Any) -> None:
    """One delivery attempt, then the next one scheduled with its back-off (if any)."""
    from .services import callback_attempt

    delay = callback_attempt(callback_id)
    if delay is not None:
        schedule(callback_id, delay_s=delay)


def _run_in_thread(callback_id: Any) -> None:
    close_old_connections()
    try:
        attempt_then_schedule(callback_id)
    except Exception:
        logger.exception("webhook %s: attempt crashed", callback_id)
    finally:
        close_old_connections()
