"""WebSocket ws/posts/<id>/: one socket follows a whole post. It joins the post's group and
every part's detection group, so it relays each part's progress and result as they arrive
and the fused outcome whenever it changes."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from channels.db import database_sync_to_async

from detection.consumers import CLOSE_NOT_FOUND, AuthenticatedJsonConsumer

from .models import Post
from .publish import post_event


class PostConsumer(AuthenticatedJsonConsumer):
    groups_joined: list[str]

    async def accept_authenticated(self, user: Any) -> None:
        self.groups_joined = []
        found = await self._owned_post(user, self.scope["url_route"]["kwargs"]["post_id"])
        if found is None:
            await self.close(code=CLOSE_NOT_FOUND)  # not yours and absent answer alike
            return
        post, part_groups = found
        for group in [post.group_name, *part_groups]:
            await self.channel_layer.group_add(group, self.channel_name)
            self.groups_joined.append(group)
        self.post_id = post.pk
        await self.accept()
        await self.send_json(await self._snapshot(user))

    async def disconnect(self, code: int) -> None:
        for group in getattr(self, "groups_joined", []):
            await self.channel_layer.group_discard(group, self.channel_name)

    async def receive_json(self, content: Any, **kwargs: Any) -> None:
        if isinstance(content, dict) and content.get("type") == "refresh":
            snapshot = await self._snapshot(self.scope["user"])
            if snapshot is not None:
                await self.send_json(snapshot)

    async def post_update(self, event: dict[str, Any]) -> None:
        await self.send_json(event)

    async def detection_update(self, event: dict[str, Any]) -> None:
        await self.send_json(event)

    async def detection_progress(self, event: dict[str, Any]) -> None:
        await self.send_json(event)

    @database_sync_to_async
    def _snapshot(self, user: Any) -> dict[str, Any] | None:
        post = Post.objects.filter(pk=self.post_id, owner=user).first()
        return post_event(post) if post is not None else None

    @database_sync_to_async
    def _owned_post(self, user: Any, post_id: str) -> tuple[Post, list[str]] | None:
        try:
            key = UUID(str(post_id))
        except ValueError:
            return None
        post = Post.objects.filter(pk=key, owner=user).first()
        if post is None:
            return None
        groups = [f"detection.{d}" for d in post.parts.values_list("detection_id", flat=True)]
        return post, groups
