"""Where delivery attempts run, following DETECTION_EXECUTOR as jobs do: a Celery task on the
``default`` queue (retried with countdown), a timer thread in embedded mode, or inline
(tests, scripts: the back-off is slept)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.db import close_old_connections

from detection.dispatch import executor_mode

logger = logging.getLogger(__name__)


def schedule(callback_id: Any, *, delay_s: float) -> None:
    mode = executor_mode()
    if mode == "celery":
        from .tasks import deliver_webhook

        deliver_webhook.apply_async(args=(str(callback_id),), countdown=delay_s)
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


def _run_in_thread(callback_id: Any) -> None:
    from .services import callback_attempt

    close_old_connections()
    try:
        delay = callback_attempt(callback_id)
    except Exception:
        logger.exception("webhook %s: attempt crashed", callback_id)
        return
    finally:
        close_old_connections()
    if delay is not None:
        schedule(callback_id, delay_s=delay)
