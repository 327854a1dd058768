"""The post page: the fused verdict with its disagreements first, then every part with its
own verdict and evidence, followed live over ws/posts/<id>/."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from frontend.media import INLINE_PREFIXES

from .models import Post


@login_required
@require_GET
def post_page(request: HttpRequest, post_id: str) -> HttpResponse:
    from detection.api.post_serializers import PostSerializer

    post = get_object_or_404(
        Post.objects.filter(owner=request.user).prefetch_related("parts__detection"),  # type: ignore[misc]
        pk=post_id,
    )
    # What each part's evidence is drawn over: a text part's (normalised) text, or the
    # owner-only media URL of a file the browser can show.
    context = {}
    for part in post.parts.all():
        d = part.detection
        media = ""
        if d.input_file and d.content_type.startswith(INLINE_PREFIXES):
            media = reverse("frontend:detection-media", args=[d.pk])
        context[str(d.pk)] = {
            "text": d.input_text if d.modality == "text" else None,
            "mediaUrl": media,
            "contentType": d.content_type,
        }
    return render(
        request,
        "frontend/post.html",
        {"post": post, "initial": PostSerializer(post).data, "part_context": context},
    )
