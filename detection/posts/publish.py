"""Publish a post's fused state to its Channels group (``post.<id>``)."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .models import Post

logger = logging.getLogger(__name__)


def post_event(post: Post) -> dict[str, Any]:
    from detection.api.post_serializers import PostSerializer

    return {"type": "post.update", "post": PostSerializer(post).data}


def publish_post(post: Post) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(post.group_name, post_event(post))
    except Exception:
        # As for detections: a lost update never fails a job; clients re-read on reconnect.
        logger.warning("could not publish update for post %s", post.id, exc_info=True)
