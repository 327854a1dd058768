"""/api/v1/labels/: the owner labels one of their detections or posts "ai" or "human"."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from detection.labels.models import HumanLabel, Truth
from detection.models import Detection, Post


class HumanLabelSerializer(serializers.ModelSerializer):
    detection = serializers.UUIDField(required=False, allow_null=True, source="detection_id")
    post = serializers.UUIDField(required=False, allow_null=True, source="post_id")
    label = serializers.ChoiceField(choices=Truth.choices)  # type: ignore[assignment]
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)

    class Meta:
        model = HumanLabel
        fields = ["id", "detection", "post", "label", "note", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if bool(attrs.get("detection_id")) == bool(attrs.get("post_id")):
            raise serializers.ValidationError("label exactly one of 'detection' or 'post'")
        return attrs


class HumanLabelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = HumanLabelSerializer

    def get_queryset(self) -> QuerySet[HumanLabel]:
        return HumanLabel.objects.filter(owner=self.request.user)  # type: ignore[misc]

    @extend_schema(request=HumanLabelSerializer, responses={201: HumanLabelSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Label (or relabel) one of your detections or posts."""
        data = HumanLabelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        target: dict[str, Any] = {}
        owner: Any = request.user
        if data.validated_data.get("detection_id"):
            detection = Detection.objects.filter(
                pk=data.validated_data["detection_id"], owner=owner
            ).first()
            if detection is None:
                raise NotFound("not found")
            target["detection"] = detection
        else:
            post = Post.objects.filter(pk=data.validated_data["post_id"], owner=owner).first()
            if post is None:
                raise NotFound("not found")
            target["post"] = post
        label, _ = HumanLabel.objects.update_or_create(
            **target,
            defaults={
                "owner": owner,
                "label": data.validated_data["label"],
                "note": data.validated_data.get("note", ""),
            },
        )
        return Response(HumanLabelSerializer(label).data, status=status.HTTP_201_CREATED)
