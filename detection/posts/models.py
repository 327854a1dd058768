"""A post and its parts. Each part is an ordinary Detection; the post only groups them and
keeps the fused outcome, which is always derived from the parts (``posts.outcome``)."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class PostStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    # Some parts failed (each with its reason) and the others completed.
    COMPLETED_WITH_ERRORS = "completed_with_errors"
    FAILED = "failed"  # every part failed


FINISHED_POST_STATUSES = (
    PostStatus.COMPLETED,
    PostStatus.COMPLETED_WITH_ERRORS,
    PostStatus.FAILED,
)


class PartRole(models.TextChoices):
    CAPTION = "caption"  # the post's own text
    TEXT = "text"  # further text (an article body found at a URL, a second text)
    FILE = "file"  # an uploaded file
    MEDIA_URL = "media_url"  # media found on a fetched page (og:image, <video>, ...)


class Post(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts"
    )
    source = models.CharField(max_length=8, default="api")  # detection.models.Source values
    status = models.CharField(max_length=24, choices=PostStatus.choices, default=PostStatus.QUEUED)
    caption = models.TextField(blank=True)
    title = models.CharField(max_length=500, blank=True)

    # Fused outcome, recomputed from the parts whenever one changes.
    verdict = models.CharField(max_length=16, blank=True)
    probability_ai = models.FloatField(null=True, blank=True)
    evidence = models.JSONField(default=dict, blank=True)  # rule, disagreements, errors
    # What the post was built from when it came from a URL (``intake.url``).
    source_url = models.URLField(max_length=2000, blank=True)
    final_url = models.URLField(max_length=2000, blank=True)
    final_address = models.GenericIPAddressField(null=True, blank=True)

    client_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "detection"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["owner", "-created_at"])]

    def __str__(self) -> str:
        return f"post {self.id} ({self.status})"

    @property
    def group_name(self) -> str:
        return f"post.{self.id}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_POST_STATUSES


class PostPart(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="parts")
    # Deleting the detection (from its own page or the admin) removes it from the post.
    detection = models.OneToOneField(
        "detection.Detection", on_delete=models.CASCADE, related_name="post_part"
    )
    index = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=16, choices=PartRole.choices)
    name = models.CharField(max_length=255, blank=True)  # file name or media URL
    source_url = models.URLField(max_length=2000, blank=True)

    class Meta:
        app_label = "detection"
        ordering = ["post", "index"]
        constraints = [
            models.UniqueConstraint(fields=["post", "index"], name="post_part_unique_index")
        ]

    def __str__(self) -> str:
        return f"part {self.index} of {self.post_id}"
