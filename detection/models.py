"""Detection jobs and the audit log of what staff did with them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone


class Modality(models.TextChoices):
    TEXT = "text"
    IMAGE = "image"
    AUDIO = "audio"
    VIDEO = "video"
    MULTIMODAL = "multimodal"


class Status(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class Source(models.TextChoices):
    WEB = "web"
    API = "api"
    LIVE = "live"


class Verdict(models.TextChoices):
    AI = "ai"
    HUMAN = "human"
    UNCERTAIN = "uncertain"


def upload_path(instance: Detection, filename: str) -> str:
    # The stored name never uses the client's file name: it is kept in original_name.
    return f"uploads/{timezone.now():%Y/%m/%d}/{instance.id}"


class Detection(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="detections"
    )
    modality = models.CharField(max_length=16, choices=Modality.choices)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.API)

    input_text = models.TextField(blank=True)
    input_file = models.FileField(upload_to=upload_path, blank=True, max_length=255)
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True)
    size_bytes = models.BigIntegerField()
    content_type = models.CharField(max_length=100)
    input_meta = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)

    verdict = models.CharField(max_length=16, choices=Verdict.choices, blank=True)
    probability_ai = models.FloatField(null=True, blank=True)
    detector = models.CharField(max_length=100, blank=True)
    results = models.JSONField(default=dict, blank=True)  # per-detector results
    evidence = models.JSONField(default=dict, blank=True)
    models_used = models.JSONField(default=list, blank=True)  # [{"id", "revision"}]
    timings = models.JSONField(default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    progress = models.FloatField(default=0.0)
    error_message = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Who runs the job and until when it vouches for it (detection/leases.py): renewed
    # while the detector runs, so a lost worker's job is re-queued once its lease lapses.
    lease_holder = models.CharField(max_length=100, blank=True, default="")
    lease_expires_at = models.DateTimeField(null=True, blank=True)

    client_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["owner", "-created_at"]),
            models.Index(fields=["status", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.modality} {self.id} ({self.status})"

    @property
    def is_finished(self) -> bool:
        return self.status in (Status.COMPLETED, Status.FAILED)

    @property
    def group_name(self) -> str:
        return f"detection.{self.id}"


class AuditAction(models.TextChoices):
    VIEW = "view"
    VIEW_MEDIA = "view_media"
    EXPORT = "export"
    DELETE = "delete"
    # A staff member tried one of the above without the permission for it (detail says which).
    REFUSED = "refused"


class AuditLogEntry(models.Model):
    """What a staff member did in the admin: views, media downloads, exports, deletions."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    actor_username = models.CharField(max_length=150)
    action = models.CharField(max_length=16, choices=AuditAction.choices)
    # Not a foreign key: the entry must outlive the detection it describes.
    detection_id = models.UUIDField(null=True, blank=True, db_index=True)
    detail = models.JSONField(default=dict, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "audit log entries"

    def __str__(self) -> str:
        return f"{self.actor_username} {self.action} {self.detection_id or ''}"


# Posts group detections (one per part); their models live in their own module.
from .labels.models import HumanLabel  # noqa: E402, F401
from .posts.models import Post, PostPart  # noqa: E402, F401
from .webhooks.models import Callback, DeliveryAttempt, TokenWebhook  # noqa: E402, F401
