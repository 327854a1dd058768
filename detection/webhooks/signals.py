"""Start a callback's delivery when its detection or post ends (Django signals, so the
execution path needs no edit; a ``detection_finished`` hook can replace the first receiver
once the execution path offers one)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from detection.models import Detection, Post

from .dispatch import callback_start
from .models import Callback, CallbackState


def _start_waiting(**target: Any) -> None:
    waiting = Callback.objects.filter(state=CallbackState.WAITING, **target)
    for callback_id in waiting.values_list("id", flat=True):
        callback_start(callback_id)


@receiver(post_save, sender=Detection, dispatch_uid="webhooks.detection_saved")
def detection_saved(sender: Any, instance: Detection, created: bool, **kwargs: Any) -> None:
    if not created and instance.is_finished:
        _start_waiting(detection_id=instance.pk)


@receiver(post_save, sender=Post, dispatch_uid="webhooks.post_saved")
def post_saved(sender: Any, instance: Post, created: bool, **kwargs: Any) -> None:
    if not created and instance.is_finished:
        _start_waiting(post_id=instance.pk)
