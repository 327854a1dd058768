"""Keep a post's derived outcome in step with its parts: every save of a part's row (claimed,
completed, failed) refreshes the post. Kept here, on Django's signals, so the execution
path (services, tasks) needs no knowledge of posts."""

from __future__ import annotations

import logging
from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from detection.models import Detection

from .models import Post, PostPart
from .services import post_refresh

logger = logging.getLogger(__name__)


def _post_of(detection_id: Any) -> Post | None:
    part = PostPart.objects.filter(detection_id=detection_id).select_related("post").first()
    return part.post if part is not None else None


@receiver(post_save, sender=Detection, dispatch_uid="posts.part_saved")
def part_saved(sender: Any, instance: Detection, created: bool, **kwargs: Any) -> None:
    if created:
        return  # a new part is attached after its row exists; post_create refreshes then
    post = _post_of(instance.pk)
    if post is not None:
        post_refresh(post=post)


@receiver(pre_delete, sender=Detection, dispatch_uid="posts.part_deleting")
def part_deleting(sender: Any, instance: Detection, **kwargs: Any) -> None:
    part = PostPart.objects.filter(detection_id=instance.pk).first()
    instance._post_id = part.post_id if part is not None else None  # type: ignore[attr-defined]


@receiver(post_delete, sender=Detection, dispatch_uid="posts.part_deleted")
def part_deleted(sender: Any, instance: Detection, **kwargs: Any) -> None:
    post_id = getattr(instance, "_post_id", None)
    if post_id is None:
        return
    post = Post.objects.filter(pk=post_id).first()
    if post is not None and post.parts.exists():
        post_refresh(post=post)
