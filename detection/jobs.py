"""Running a queued job: claim it under a lease, run the detector through the execution
path, store the result, or fail it with the reason.

Celery tasks (``tasks``) and the embedded executors (``dispatch``) call these; nothing
here sends jobs anywhere, so the import graph has no cycle through the queue.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from detection.ops import tracing
from detection.ops.logging import log_context

from . import execution, leases, metrics, outcome, retries
from .execution import batching
from .execution.circuit import CircuitOpen
from .models import Detection, Status
from .publish import publish
from .result_store import detection_result_store

logger = logging.getLogger(__name__)

# Progress messages are throttled so a long video does not flood the channel layer.
PROGRESS_MIN_INTERVAL_S = 0.5


def _claim(detection_id: UUID, holder: str, resume_holder: str | None) -> Detection | None:
    """Mark the job running under ``holder``'s lease; None if there is nothing to do.

    A queued job, or a running one whose lease lapsed (its worker was lost), starts a new
    attempt. A running job whose holder is ``resume_holder`` (this task's own previous
    execution, stopped by a database or broker error) carries on without counting one. A
    running job whose holder is alive is someone else's: this delivery is a duplicate.
    """
    now = timezone.now()
    with transaction.atomic():
        detection = Detection.objects.select_for_update().filter(pk=detection_id).first()
        if detection is None:
            logger.info("detection %s no longer exists; skipping", detection_id)
            return None
        if detection.is_finished:
            # A re-delivered message for a finished job: doing it again would duplicate work.
            return None
        new_attempt = True
        if detection.status == Status.RUNNING:
            if resume_holder and detection.lease_holder == resume_holder:
                new_attempt = False
            elif not leases.lease_lapsed(detection.lease_holder, detection.lease_expires_at, now):
                logger.info("detection is running elsewhere (%s); skipping", detection.lease_holder)
                return None
        if new_attempt and detection.attempts >= settings.DETECTION_TASK_MAX_RETRIES + 1:
            _fail(detection, "the job was interrupted too many times (worker lost)")
            return None
        detection.status = Status.RUNNING
        if new_attempt:
            detection.attempts += 1
            detection.started_at = now
            detection.progress = 0.0
        detection.lease_holder = holder
        detection.lease_expires_at = leases.expiry(now)
        detection.save(
            update_fields=[
                "status", "attempts", "started_at", "progress", "lease_holder", "lease_expires_at"
            ]
        )  # fmt: skip
    publish(detection)
    return detection


def _fail(detection: Detection, message: str) -> None:
    detection.status = Status.FAILED
    detection.error_message = message[:2000]
    detection.finished_at = timezone.now()
    detection.lease_holder, detection.lease_expires_at = "", None
    detection.save(
        update_fields=["status", "error_message", "finished_at", "lease_holder", "lease_expires_at"]
    )
    logger.warning("detection failed: %s", message, extra={"event": "detection.failed"})
    metrics.DETECTIONS.labels(modality=detection.modality, verdict="none", status="failed").inc()
    publish(detection)


def detection_fail(*, detection_id: UUID, message: str) -> None:
    detection = Detection.objects.filter(pk=detection_id).first()
    if detection is not None and not detection.is_finished:
        _fail(detection, message)


def detection_after_crash(*, detection_id: UUID, exc: BaseException) -> float | None:
    """A detector raised unexpectedly. While the job has attempts left it goes back to
    ``queued`` and this returns the back-off before the retry; then it fails with the
    reason and this returns None."""
    try:
        detection = Detection.objects.filter(pk=detection_id).first()
        if detection is None or detection.is_finished:
            return None
        if detection.attempts >= settings.DETECTION_TASK_MAX_RETRIES + 1:
            _fail(detection, retries.failure_message(detection.modality, exc))
            return None
        Detection.objects.filter(pk=detection_id, status=Status.RUNNING).update(
            status=Status.QUEUED, lease_holder="", lease_expires_at=None
        )
        return retries.crash_backoff_s(detection.attempts)
    except DatabaseError:
        # Retry anyway: the next claim sees the lapsed lease or the queued row.
        logger.warning("could not put detection %s back in the queue", detection_id)
        return retries.crash_backoff_s(1)


def _progress_reporter(detection: Detection) -> Any:
    last = [0.0]

    def report(fraction: float, message: str) -> None:
        now = time.monotonic()
        if now - last[0] < PROGRESS_MIN_INTERVAL_S and fraction < 1.0:
            return
        last[0] = now
        fraction = min(max(float(fraction), 0.0), 1.0)
        try:
            Detection.objects.filter(pk=detection.pk).update(progress=fraction)
        except DatabaseError:
            # Progress is best effort: a database hiccup must not be blamed on the detector.
            logger.warning("progress not saved (database unavailable)")
            return
        publish(
            detection,
            {
                "type": "detection.progress",
                "id": str(detection.id),
                "progress": fraction,
                "message": message,
            },
        )

    return report


def detection_run(
    *, detection_id: UUID, holder: str | None = None, resume_holder: str | None = None
) -> Detection | None:
    """Run the engine on a job and store the outcome. Errors a user caused end the job
    `failed` with the reason; unexpected errors propagate so the caller can retry
    (``retries``). ``holder`` names this execution's lease; ``resume_holder`` the
    execution it continues after an infrastructure error (not a new attempt)."""
    metrics.install_engine_hooks()
    holder = holder or leases.new_holder()
    # The lease is held from before the claim: the sweep must never see a claim of this
    # process that this process does not (yet) vouch for.
    with (
        log_context(detection_id=str(detection_id)),
        batching.job_in_flight(),
        tracing.span("detection.run", **{"detection.id": str(detection_id)}),
        leases.held(detection_id, holder),
    ):
        detection = _claim(detection_id, holder, resume_holder)
        if detection is None:
            return None
        return _run(detection)


def _run(detection: Detection) -> Detection | None:
    from detection.engine import registry
    from detection.engine.errors import EngineError

    if outcome.unpark(detection):
        # An earlier execution computed the result but could not store it.
        return detection_result_store(detection=detection)
    limit_s = settings.DETECTION_TASK_SOFT_TIME_LIMIT
    content: str | Path
    try:
        spec = registry.default_spec(detection.modality)
        content = (
            detection.input_text
            if detection.modality == "text"
            else Path(detection.input_file.path)
        )
        done = execution.run(
            spec,
            content,
            options=detection.options or None,
            progress=_progress_reporter(detection),
            deadline=time.monotonic() + limit_s,
            reuse_for=detection,
        )
    except TimeoutError:
        _fail(detection, f"analysis took longer than {limit_s} s")
        return detection
    except (EngineError, CircuitOpen) as exc:
        # Bad input, a model that cannot load, a paused detector: the job ends with why.
        _fail(detection, str(exc))
        return detection
    return detection_result_store(
        detection=detection,
        result=done.result,
        reused=done.reused,
        cache_key=done.cache_key,
        engine_ms=done.elapsed_ms,
    )
