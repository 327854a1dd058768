"""How a queued detection reaches a worker.

- ``celery``: the production path; the job goes to the ``gpu`` queue after the commit.
- ``thread``: embedded mode; one in-process worker thread runs jobs one at a time, so the
  upload request returns at once and the in-memory channel layer (per process) still
  reaches the browser's WebSocket.
- ``inline``: runs the job synchronously after the commit (tests, scripts).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from uuid import UUID

from django.conf import settings
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)
_executor: ThreadPoolExecutor | None = None
RUN_TASK = "detection.tasks.run_detection"
# The sweep of jobs lost by a worker (services.detections_requeue_stale, registered there).
_sweep: Callable[..., int] | None = None


def set_sweep(sweep: Callable[..., int]) -> None:
    global _sweep
    _sweep = sweep


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
        from .jobs import detection_run

        detection_run(detection_id=detection_id)


def _send_to_celery(detection_id: UUID) -> None:
    from kombu.exceptions import OperationalError as BrokerError
    from redis.exceptions import RedisError

    from config.celery import task_named

    try:
        # Looked up by name in the app's registry: the tasks import the job runner, and
        # this module must not import them back (tasks -> jobs, never -> dispatch).
        task_named(RUN_TASK).apply_async(args=(str(detection_id),))
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
        from . import leases

        _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="detection")
        # The embedded worker's own timer: jobs whose lease lapsed come back by themselves.
        if _sweep is not None:
            leases.start_sweeper(_sweep)
    return _executor


def _run_in_thread(
    detection_id: UUID, resume_holder: str | None = None, infra_retries: int = 0
) -> None:
    """One job on the embedded worker thread, retried as a Celery task would be
    (``retries``): nothing it raises may leave the job ``running`` for ever."""
    from . import leases, retries
    from .jobs import detection_after_crash, detection_run

    holder = leases.new_holder()
    close_old_connections()
    try:
        detection_run(detection_id=detection_id, holder=holder, resume_holder=resume_holder)
    except retries.infrastructure_errors():
        if infra_retries >= settings.DETECTION_INFRA_RETRIES:
            logger.error("detection %s: service still unavailable; left to the sweep", detection_id)
            return
        logger.warning("detection %s: service unavailable; retrying", detection_id)
        _later(retries.infra_backoff_s(infra_retries), detection_id, holder, infra_retries + 1)
    except Exception as exc:
        logger.exception("detection %s crashed in the embedded worker", detection_id)
        try:
            backoff = detection_after_crash(detection_id=detection_id, exc=exc)
        except Exception:
            logger.exception("detection %s: could not record the crash", detection_id)
            return  # the lease lapses and the sweep re-queues the job
        if backoff is not None:
            _later(backoff, detection_id, None, infra_retries)
    finally:
        close_old_connections()


def _later(delay_s: float, detection_id: UUID, resume_holder: str | None, tries: int) -> None:
    timer = threading.Timer(
        delay_s, lambda: _thread_pool().submit(_run_in_thread, detection_id, resume_holder, tries)
    )
    timer.daemon = True
    timer.start()


def recover_embedded_jobs(sweep: Callable[..., int]) -> None:
    """In embedded mode the worker thread dies with the server, so a restart re-queues the
    jobs it left behind (DETECTION_RECOVER_ON_START, set by .ci/serve). Called once by the
    ASGI entry point. The worker thread's pool also starts a sweep on a timer of its own
    (``leases.start_sweeper``), so later lapsed leases need no command; with Celery, the
    workers run the sweep themselves (``tasks``)."""
    if executor_mode() != "thread":
        return
    set_sweep(sweep)

    if getattr(settings, "DETECTION_RECOVER_ON_START", False):

        def recover() -> None:
            close_old_connections()
            try:
                # Nothing runs yet in this process: every queued job is waiting for nobody.
                count = sweep(queued_older_than_s=0)
                if count:
                    logger.info("re-queued %d detection(s) left by the previous run", count)
            except Exception:
                logger.exception("could not re-queue stale detections")
            finally:
                close_old_connections()

        _thread_pool().submit(recover)
