"""WebSocket ws/detections/<id>/: a job's status, progress and result as they happen."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from channels.db import database_sync_to_async

from detection.models import Detection
from detection.publish import detection_event

from .base import CLOSE_NOT_FOUND, AuthenticatedJsonConsumer


class DetectionConsumer(AuthenticatedJsonConsumer):
    group: str | None = None

    async def accept_authenticated(self, user: Any) -> None:
        detection = await self._owned_detection(
            user, self.scope["url_route"]["kwargs"]["detection_id"]
        )
        if detection is None:
            # Same answer for "not yours" and "does not exist": no probing of ids.
            await self.close(code=CLOSE_NOT_FOUND)
            return
        self.group = detection.group_name
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.accept()
        # Send the current state first, so a client that connects after the job finished
        # (or between two updates) still sees where it stands.
        await self.send_json(await database_sync_to_async(detection_event)(detection))

    async def disconnect(self, code: int) -> None:
        if self.group is not None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        # Read-only stream; a client may ask for a fresh snapshot.
        if isinstance(content, dict) and content.get("type") == "refresh":
            detection = await self._owned_detection(self.scope["user"], self.group.split(".", 1)[1])  # type: ignore[union-attr]
            if detection is not None:
                await self.send_json(await database_sync_to_async(detection_event)(detection))

    async def detection_update(self, event: dict[str, Any]) -> None:
        await self.send_json(event)

    async def detection_progress(self, event: dict[str, Any]) -> None:
        await self.send_json(event)

    @database_sync_to_async
    def _owned_detection(self, user: Any, detection_id: str) -> Detection | None:
        try:
            key = UUID(str(detection_id))
        except ValueError:
            return None
        return Detection.objects.filter(pk=key, owner=user).first()
