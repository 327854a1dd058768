"""Writes: create, delete and re-queue detections (running them is :mod:`.jobs`)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.files import File
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from detection.ops import tracing
from detection.ops.logging import log_context

from . import dispatch, leases, metrics
from .models import Detection, Source, Status
from .validation import InputError, ValidatedInput

logger = logging.getLogger(__name__)


@transaction.atomic
def detection_create(
    *,
    owner: AbstractBaseUser,
    validated: ValidatedInput,
    source: str = Source.API,
    upload: IO[bytes] | None = None,
    original_name: str = "",
    client_address: str | None = None,
    options: dict[str, Any] | None = None,
) -> Detection:
    """Store the job row (and its file) and queue it once the transaction commits."""
    _check_duration(validated)
    modality = validated.modality
    detection = Detection(
        owner=owner,  # type: ignore[misc]  # AUTH_USER_MODEL is User; the stubs want it named
        modality=validated.modality,
        source=source,
        input_text=validated.text,
        original_name=original_name[:255],
        sha256=validated.sha256,
        size_bytes=validated.size_bytes,
        content_type=validated.content_type,
        input_meta=validated.meta,
        options=options or {},
        client_address=client_address,
    )
    if upload is not None and not validated.text:
        upload.seek(0)
        detection.input_file.save("upload", File(upload), save=False)
    detection.save()
    tracing.annotate(**{"detection.id": str(detection.id), "detection.modality": modality})
    with log_context(detection_id=str(detection.id)):
        logger.info(
            "detection queued",
            extra={"modality": detection.modality, "source": source, "sha256": detection.sha256},
        )
    dispatch.enqueue(detection.id)
    metrics.SUBMITTED.labels(modality=detection.modality, source=source).inc()
    return detection


def _check_duration(validated: ValidatedInput) -> None:
    """Media longer than DETECTION_MAX_MEDIA_SECONDS is refused before it costs model time."""
    duration = validated.meta.get("duration_s") or validated.meta.get("duration")
    limit = settings.DETECTION_MAX_MEDIA_SECONDS
    if isinstance(duration, int | float) and limit > 0 and duration > limit:
        raise InputError(
            f"the {validated.modality} lasts {duration:.0f} s; the limit is {limit} s",
            code="too_long",
            status=413,
        )


@transaction.atomic
def detection_delete(*, detection: Detection) -> None:
    stored = detection.input_file.name if detection.input_file else ""
    storage = detection.input_file.storage if detection.input_file else None
    detection.delete()
    if stored and storage is not None:
        # Remove the file only once the row is gone for good.
        transaction.on_commit(lambda: storage.delete(stored))


def detections_requeue_stale(*, queued_older_than_s: float | None = None) -> int:
    """Re-queue jobs a lost worker left behind: running jobs whose lease lapsed (never one
    whose worker is alive), and queued jobs older than ``queued_older_than_s`` (default
    DETECTION_REQUEUE_QUEUED_AFTER_S), whose broker message may be lost. Returns how many."""
    if queued_older_than_s is None:
        queued_older_than_s = settings.DETECTION_REQUEUE_QUEUED_AFTER_S
    now = timezone.now()
    queued_cutoff = now - timedelta(seconds=queued_older_than_s)
    candidates = Detection.objects.filter(
        Q(status=Status.RUNNING, lease_expires_at__isnull=True)
        | Q(status=Status.RUNNING, lease_expires_at__lte=now)
        | Q(status=Status.RUNNING, lease_holder__startswith=f"{leases.this_host()}:")
        | Q(status=Status.QUEUED, created_at__lte=queued_cutoff)
    )
    count = 0
    for detection_id in candidates.values_list("id", flat=True):
        with transaction.atomic():
            row = Detection.objects.select_for_update(skip_locked=True).filter(pk=detection_id)
            detection = row.first()
            if detection is None or detection.is_finished:
                continue
            if detection.status == Status.RUNNING and not leases.lease_lapsed(
                detection.lease_holder, detection.lease_expires_at, now
            ):
                continue  # its worker is alive (a process of this host, still running)
            if detection.status == Status.QUEUED and detection.created_at > queued_cutoff:
                continue
            row.update(status=Status.QUEUED, lease_holder="", lease_expires_at=None)
            dispatch.enqueue(detection_id)
        count += 1
    return count


# The embedded worker thread's sweep (dispatch cannot import this module: it would close
# the cycle services -> dispatch -> services).
dispatch.set_sweep(detections_requeue_stale)
