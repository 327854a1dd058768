"""POST /api/v1/posts/: several parts checked together. Thin: parse, call the post
services, serialise."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from detection.models import Post
from detection.posts import intake
from detection.posts.services import post_create, post_delete, post_refresh

from .post_serializers import PostSerializer
from .views import _source, client_address


class PostCreateSerializer(serializers.Serializer):
    """JSON or multipart. At least one of: a caption, texts, files (or a page's ``url``)."""

    caption = serializers.CharField(
        required=False, allow_blank=True, trim_whitespace=False, help_text="The post's text."
    )
    texts = serializers.ListField(
        child=serializers.CharField(trim_whitespace=False), required=False
    )
    files = serializers.ListField(child=serializers.FileField(), required=False)
    url = serializers.URLField(required=False, help_text="A page to fetch and split into parts.")
    callback_url = serializers.URLField(
        required=False, help_text="POSTed the signed post when it ends (README)."
    )


class PostViewSet(
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = PostSerializer
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[Post]:
        # Another user's post is not found (404), as for detections.
        return Post.objects.filter(owner=self.request.user).prefetch_related(  # type: ignore[misc]
            "parts__detection"
        )

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post = self.get_object()
        if not post.is_finished:
            # The stored outcome is derived; re-deriving on read makes it exact even if an
            # update was missed (a part re-queued by the sweep changes by a plain UPDATE).
            post = post_refresh(post=post)
            post = self.get_queryset().get(pk=post.pk)
        return Response(self.get_serializer(post).data)

    @extend_schema(request=PostCreateSerializer, responses={202: PostSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        from detection.webhooks.services import callback_for_request, callback_register

        callback_url = request.data.get("callback_url") if hasattr(request.data, "get") else None
        target = callback_for_request(request.auth, str(callback_url) if callback_url else None)
        built = intake.parts_from_request(request)
        with transaction.atomic():  # the callback exists before any part can finish
            post = self._create(request, built)
            callback_register(owner=request.user, target=target, post=post)
        post = self.get_queryset().get(pk=post.pk)
        return Response(self.get_serializer(post).data, status=status.HTTP_202_ACCEPTED)

    def _create(self, request: Request, built: intake.BuiltPost) -> Post:
        return post_create(
            owner=request.user,  # type: ignore[arg-type]
            parts=built.parts,
            caption=built.caption,
            title=built.title,
            source=_source(request),
            client_address=client_address(request),
            fetched=built.fetched,
            skipped=built.skipped,
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        post_delete(post=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)
