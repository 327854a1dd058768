"""History lists the user's posts above their detections (each part is also a detection)."""

from __future__ import annotations

from typing import Any

from django import template

from detection.models import Post

register = template.Library()
RECENT_POSTS = 10


@register.inclusion_tag("frontend/_posts_history.html")
def recent_posts(user: Any) -> dict[str, Any]:
    posts = (
        Post.objects.filter(owner=user).prefetch_related("parts")[:RECENT_POSTS]
        if getattr(user, "is_authenticated", False)
        else []
    )
    return {"posts": posts}
