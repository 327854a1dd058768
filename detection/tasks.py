"""Celery tasks: thin wrappers that load a row by id and call a service.

Two kinds of failure are told apart:
- the database or broker is briefly unreachable (a restart, a fail-over): the task is
  retried with back-off for up to ``DETECTION_INFRA_RETRIES`` tries, and the job is not
  marked failed, since nothing is wrong with it;
- the detector crashed: retried ``DETECTION_TASK_MAX_RETRIES`` times, then the job fails
  with the detector and the error in its message. The worker process lives on either way.
"""

from __future__ import annotations

import logging
import os
from typing import Any
from uuid import UUID

from celery import shared_task, signals
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError

from config import tracing
from config.logging import detection_id_var

from . import metrics
from .services import detection_fail, detection_run

logger = logging.getLogger(__name__)


def _infrastructure_errors() -> tuple[type[BaseException], ...]:
    import kombu.exceptions
    import redis.exceptions

    return (
        OperationalError,
        InterfaceError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
        kombu.exceptions.OperationalError,
    )


@shared_task(
    bind=True,
    name="detection.tasks.run_detection",
    acks_late=True,  # a worker that dies mid-job leaves the message to be redelivered
    reject_on_worker_lost=True,
    max_retries=settings.DETECTION_TASK_MAX_RETRIES,
    soft_time_limit=settings.DETECTION_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.DETECTION_TASK_TIME_LIMIT,
)
def run_detection(self, detection_id: str) -> None:  # type: ignore[no-untyped-def]
    try:
        detection_run(detection_id=UUID(detection_id))
    except SoftTimeLimitExceeded:
        detection_fail(
            detection_id=UUID(detection_id),
            message=f"analysis took longer than {settings.DETECTION_TASK_SOFT_TIME_LIMIT} s",
        )
    except _infrastructure_errors() as exc:
        if self.request.retries >= settings.DETECTION_INFRA_RETRIES:
            # Out of patience: the row stays queued/running for `requeue_detections`.
            logger.error("service still unavailable after %d retries", self.request.retries)
            raise
        logger.warning("service unavailable (%s); retrying the job", type(exc).__name__)
        metrics.observe_error(exc, "worker")
        raise self.retry(
            exc=exc, countdown=min(2 ** (self.request.retries + 1), 15), max_retries=None
        ) from exc
    except Exception as exc:
        # Infrastructure retries share Celery's counter; only detector failures count here.
        if self.request.retries >= self.max_retries:
            logger.exception("detection %s failed after retries", detection_id)
            detection_fail(
                detection_id=UUID(detection_id), message=_failure_message(detection_id, exc)
            )
            return
        _requeue_row(detection_id)
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc


def _failure_message(detection_id: str, exc: Exception) -> str:
    from .models import Detection

    modality = Detection.objects.filter(pk=detection_id).values_list("modality", flat=True).first()
    first_line = (str(exc).splitlines() or [""])[0][:200]
    where = f"the {modality} detector" if modality else "the detector"
    return f"internal error in {where}: {type(exc).__name__}: {first_line}".rstrip(": ")


def _requeue_row(detection_id: str) -> None:
    # Put the row back to queued so the retry can claim it (a claim also accepts a running
    # row, so losing this write to a database hiccup is harmless).
    from .models import Detection, Status

    try:
        Detection.objects.filter(pk=detection_id, status=Status.RUNNING).update(
            status=Status.QUEUED
        )
    except (OperationalError, InterfaceError):
        logger.warning("could not reset detection %s to queued", detection_id)


# --- Worker process hooks: log context, metrics exporter ---------------------------------


@signals.task_prerun.connect
def _bind_detection_id(task_id: str, task: Any, args: Any = None, **_: Any) -> None:
    if task.name == run_detection.name and args:
        detection_id_var.set(str(args[0]))


@signals.task_postrun.connect
def _unbind_detection_id(**_: Any) -> None:
    detection_id_var.set(None)


@signals.worker_init.connect
@signals.worker_process_init.connect
def _start_tracing(**_: Any) -> None:
    tracing.setup("aidetect-worker")  # no-op unless configured; once per process


@signals.worker_ready.connect
def _start_metrics_exporter(**_: Any) -> None:
    port = settings.DETECTION_WORKER_METRICS_PORT
    if port:
        metrics.start_worker_exporter(port, settings.DETECTION_WORKER_METRICS_ADDR)


@signals.worker_process_shutdown.connect
def _forget_process_metrics(pid: int | None = None, **_: Any) -> None:
    metrics.mark_process_dead(pid or os.getpid())
