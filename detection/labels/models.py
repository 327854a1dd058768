"""One label per detection or post, by its owner."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Truth(models.TextChoices):
    AI = "ai"
    HUMAN = "human"


class HumanLabel(models.Model):
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    detection = models.OneToOneField(
        "detection.Detection",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="human_label",
    )
    post = models.OneToOneField(
        "detection.Post",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="human_label",
    )
    label = models.CharField(max_length=8, choices=Truth.choices)
    note = models.TextField(blank=True, max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "detection"
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(detection__isnull=False, post__isnull=True)
                | models.Q(detection__isnull=True, post__isnull=False),
                name="label_has_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} label on {self.detection_id or self.post_id}"
