"""Publish a detection's state to its Channels group, from a worker or the web process."""

from __future__ import annotations

import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from .models import Detection

logger = logging.getLogger(__name__)


def detection_event(detection: Detection) -> dict[str, Any]:
    """The message clients receive: status always, the result once there is one."""
    from .api.serializers import DetectionSerializer

    return {"type": "detection.update", "detection": DetectionSerializer(detection).data}


def publish(detection: Detection, message: dict[str, Any] | None = None) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        async_to_sync(layer.group_send)(detection.group_name, message or detection_event(detection))
    except Exception:
        # A lost live update must never fail the job: clients re-read the row on reconnect.
        logger.warning("could not publish update for detection %s", detection.id, exc_info=True)
