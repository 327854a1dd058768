"""Celery tasks: thin wrappers that load a row by id and call a service.

Failures are told apart as in ``retries``: an unreachable database or broker is retried
with back-off (``DETECTION_INFRA_RETRIES``) and resumes the same claim, so it costs no
attempt; a detector that raises gets another attempt while the job has one left
(``DETECTION_TASK_MAX_RETRIES``), then fails with the detector and the error in its
message. The worker process lives on either way. Each process that runs jobs also sweeps
for jobs whose worker was lost (``leases``).
"""

from __future__ import annotations

import logging
import os
from typing import Any
from uuid import UUID

from celery import shared_task, signals
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from detection.ops import tracing
from detection.ops.logging import detection_id_var

from . import leases, metrics, retries
from .jobs import detection_after_crash, detection_fail, detection_run
from .services import detections_requeue_stale

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    name="detection.tasks.run_detection",
    acks_late=True,  # a worker that dies mid-job leaves the message to be redelivered
    reject_on_worker_lost=True,
    max_retries=None,  # attempts are counted on the row (Detection.attempts), not here
    soft_time_limit=settings.DETECTION_TASK_SOFT_TIME_LIMIT,
    time_limit=settings.DETECTION_TASK_TIME_LIMIT,
)
def run_detection(  # type: ignore[no-untyped-def]
    self, detection_id: str, resume_holder: str | None = None, infra_retries: int = 0
) -> None:
    holder = leases.new_holder()
    try:
        detection_run(detection_id=UUID(detection_id), holder=holder, resume_holder=resume_holder)
    except SoftTimeLimitExceeded:
        detection_fail(
            detection_id=UUID(detection_id),
            message=f"analysis took longer than {settings.DETECTION_TASK_SOFT_TIME_LIMIT} s",
        )
    except retries.infrastructure_errors() as exc:
        if infra_retries >= settings.DETECTION_INFRA_RETRIES:
            # Out of patience: the lease lapses and the sweep re-queues the job later.
            logger.error("service still unavailable after %d retries", infra_retries)
            raise
        logger.warning("service unavailable (%s); retrying the job", type(exc).__name__)
        metrics.observe_error(exc, "worker")
        raise self.retry(
            exc=exc,
            countdown=retries.infra_backoff_s(infra_retries),
            kwargs={"resume_holder": holder, "infra_retries": infra_retries + 1},
        ) from exc
    except Exception as exc:
        backoff = detection_after_crash(detection_id=UUID(detection_id), exc=exc)
        if backoff is None:
            logger.exception("detection %s failed for good", detection_id)
            return
        raise self.retry(
            exc=exc, countdown=backoff, kwargs={"infra_retries": infra_retries}
        ) from exc


@shared_task(
    name="detection.tasks.score_window",
    ignore_result=True,
    # A window is worth nothing late: never redelivered, never retried (acks early).
    acks_late=False,
    reject_on_worker_lost=False,
)
def score_window(kind: str, payload: str, reply_to: str, request: str, deadline: float) -> None:
    """One text-stream window, camera frame or voice window; the reply goes back through
    the channel layer to the web process that asked (``execution.remote``)."""
    from asgiref.sync import async_to_sync
    from channels.layers import get_channel_layer

    from .execution.windows import score_payload

    reply = score_payload(kind, payload, deadline_wall=deadline)
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.send)(reply_to, {"type": "window.result", "request": request, **reply})
    except Exception:
        # The web process went away (or its inbox is full): the window is simply lost.
        logger.warning("window reply to %s not delivered", reply_to, exc_info=True)


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


@signals.worker_process_init.connect
def _sweep_in_pool_process(**_: Any) -> None:
    # Prefork: the pool processes run the jobs (and hold database connections); the
    # parent forks them, so it keeps none and sweeps nothing.
    leases.start_sweeper(detections_requeue_stale)


@signals.worker_ready.connect
def _sweep_in_worker(sender: Any = None, **_: Any) -> None:
    # Solo and thread pools run jobs in this process.
    pool = type(getattr(sender, "pool", None)).__module__
    if not pool.endswith("prefork"):
        leases.start_sweeper(detections_requeue_stale)


@signals.worker_ready.connect
def _warm_up_window_models(sender: Any = None, **_: Any) -> None:
    """A worker that consumes the window queue loads the live and text models now, so the
    first frame of the first session is not the one that waits for them."""
    try:
        queues = {q.name for q in sender.task_consumer.queues}
    except AttributeError:
        return
    if settings.DETECTION_WINDOW_QUEUE in queues:
        from .execution.warmup import warm_up_windows

        warm_up_windows()


@signals.worker_process_shutdown.connect
def _forget_process_metrics(pid: int | None = None, **_: Any) -> None:
    metrics.mark_process_dead(pid or os.getpid())
