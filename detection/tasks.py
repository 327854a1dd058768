"""Celery tasks: thin wrappers that load a row by id and call a service."""

from __future__ import annotations

import logging
from uuid import UUID

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from .services import detection_fail, detection_run

logger = logging.getLogger(__name__)


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
    except Exception as exc:
        if self.request.retries >= self.max_retries:
            logger.exception("detection %s failed after retries", detection_id)
            detection_fail(
                detection_id=UUID(detection_id), message=f"internal error: {type(exc).__name__}"
            )
            return
        # Put the row back to queued so the retry can claim it.
        from .models import Detection, Status

        Detection.objects.filter(pk=detection_id, status=Status.RUNNING).update(
            status=Status.QUEUED
        )
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc
