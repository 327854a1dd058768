"""The site's WebSocket consumers, one module each, on one authenticated base.

- :mod:`.detections`: ``ws/detections/<id>/``, a job's progress and result.
- :mod:`.text_stream`: ``ws/text/stream/``, text scored window by window.
- :mod:`.live`: ``ws/live/``, the live camera and microphone check.
"""

from __future__ import annotations

from .base import (
    CLOSE_NOT_FOUND,
    CLOSE_THROTTLED,
    CLOSE_UNAUTHENTICATED,
    AuthenticatedJsonConsumer,
)

__all__ = [
    "CLOSE_NOT_FOUND",
    "CLOSE_THROTTLED",
    "CLOSE_UNAUTHENTICATED",
    "AuthenticatedJsonConsumer",
]
