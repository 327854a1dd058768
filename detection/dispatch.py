"""How a queued detection reaches a worker.

- ``celery``: the production path; the job goes to the ``gpu`` queue after the commit.
- ``thread``: embedded mode; one in-process worker thread runs jobs one at a time, so the
  upload request returns at once and the in-memory channel layer (per process) still
  reaches the browser's WebSocket.
- ``inline``: runs the job synchronously after the commit (tests, scripts).
"""

from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from django.conf import settings
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)
_executor: ThreadPoolExecutor | None = None


class QueueUnavailable(Exception):
    """The broker refused the job; the row was removed, so the client can simply retry."""


def executor_mode() -> str:
    return str(settings.DETECTION_EXECUTOR)


def enqueue(detection_id: UUID) -> None:
    """Queue a job once the surrounding transaction commits (never before the row exists)."""
    transaction.on_commit(lambda: _send(detection_id))


def _send(detection_id: UUID) -> None:
    mode = executor_mode()
    if mode == "celery":
        _send_to_celery(detection_id)
    elif mode == "thread":
        _thread_pool().submit(_run_in_thread, detection_id)
    else:
        from .services import detection_run

        detection_run(detection_id=detection_id)


def _send_to_celery(detection_id: UUID) -> None:
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import RedisError

    from .tasks import run_detection

    try:
        run_detection.apply_async(args=(str(detection_id),))
    except (BrokerError, RedisError, OSError) as exc:
        # The row is committed but no message exists: left alone it would wait forever, and
        # a client that retries on the 503 would make a second one. Remove it instead.
        from .models import Detection

        logger.error("broker unavailable (%s); job %s withdrawn", type(exc).__name__, detection_id)
        stored = Detection.objects.filter(pk=detection_id).first()
        if stored is not None:
            if stored.input_file:
                stored.input_file.delete(save=False)
            stored.delete()
        raise QueueUnavailable("the job queue is unavailable; try again shortly") from exc


def _thread_pool() -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detection")
    return _executor


def _run_in_thread(detection_id: UUID) -> None:
    from .services import detection_run

    close_old_connections()
    try:
        detection_run(detection_id=detection_id)
    except Exception:
        logger.exception("detection %s crashed in the embedded worker", detection_id)
    finally:
        close_old_connections()


def recover_embedded_jobs() -> None:
    """In embedded mode the worker thread dies with the server, so a restart re-queues the
    jobs it left behind. Called once by the ASGI entry point when
    DETECTION_RECOVER_ON_START is set (.ci/serve sets it); with Celery, acks_late and
    `manage.py requeue_detections` cover this instead."""
    if executor_mode() != "thread" or not getattr(settings, "DETECTION_RECOVER_ON_START", False):
        return

    def recover() -> None:
        from .services import detections_requeue_stale

        close_old_connections()
        try:
            count = detections_requeue_stale()
            if count:
                logger.info("re-queued %d detection(s) left by the previous run", count)
        except Exception:
            logger.exception("could not re-queue stale detections")
        finally:
            close_old_connections()

    _thread_pool().submit(recover)
