"""Webhook endpoints (a default per API token, with its signing secret), callbacks (one per
detection or post that asked for one) and the log of every delivery attempt."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class TokenWebhook(models.Model):
    """An API token's signing secret and optional default callback URL."""

    token = models.OneToOneField(
        "accounts.ApiToken", on_delete=models.CASCADE, related_name="webhook"
    )
    callback_url = models.URLField(max_length=2000, blank=True)
    # Shown once when created; kept (not hashed) because the server must sign with it.
    secret = models.CharField(max_length=128)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "detection"

    def __str__(self) -> str:
        return f"webhook of token {self.token_id}"


class CallbackState(models.TextChoices):
    WAITING = "waiting"  # the job has not ended
    SENDING = "sending"  # queued or retrying
    DELIVERED = "delivered"
    FAILED = "failed"  # every attempt failed


class Callback(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    detection = models.OneToOneField(
        "detection.Detection",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="callback",
    )
    post = models.OneToOneField(
        "detection.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="callback"
    )
    url = models.URLField(max_length=2000)
    secret = models.CharField(max_length=128)  # the token's secret when the job was made
    state = models.CharField(
        max_length=16, choices=CallbackState.choices, default=CallbackState.WAITING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        app_label = "detection"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"callback {self.id} ({self.state})"


class DeliveryAttempt(models.Model):
    callback = models.ForeignKey(Callback, on_delete=models.CASCADE, related_name="deliveries")
    number = models.PositiveSmallIntegerField()
    at = models.DateTimeField(auto_now_add=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    error = models.CharField(max_length=500, blank=True)
    duration_ms = models.FloatField(default=0.0)
    next_retry_s = models.FloatField(null=True, blank=True)  # None: no further attempt

    class Meta:
        app_label = "detection"
        ordering = ["callback", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number} of {self.callback_id}: {self.status_code or self.error}"
