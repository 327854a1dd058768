from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from detection.models import Detection


class DetectionSerializer(serializers.ModelSerializer):
    """A detection as clients see it (no file path, no client address)."""

    # A path, not an absolute URL, so worker and WebSocket pushes (no request) can render it.
    url = serializers.SerializerMethodField()

    class Meta:
        model = Detection
        fields = [
            "id",
            "url",
            "modality",
            "status",
            "source",
            "original_name",
            "sha256",
            "size_bytes",
            "content_type",
            "input_meta",
            "verdict",
            "probability_ai",
            "detector",
            "results",
            "evidence",
            "models_used",
            "timings",
            "warnings",
            "progress",
            "error_message",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_url(self, obj: Detection) -> str:
        return reverse("api:detection-detail", args=[obj.id])


class DetectionCreateSerializer(serializers.Serializer):
    """Either `text` (JSON or form field) or `file` (multipart)."""

    text = serializers.CharField(
        required=False, trim_whitespace=False, allow_blank=True, help_text="Text to analyse."
    )
    file = serializers.FileField(required=False, help_text="An image, audio, video or text file.")
    url = serializers.URLField(
        required=False, help_text="Media the server fetches (SSRF-checked, see README)."
    )
    callback_url = serializers.URLField(
        required=False, help_text="POSTed the signed result when the job ends (README)."
    )

    def validate(self, attrs: dict) -> dict:  # type: ignore[type-arg]
        if sum(name in attrs for name in ("text", "file", "url")) != 1:
            raise serializers.ValidationError("send exactly one of 'text', 'file' or 'url'")
        return attrs


class DetectionBatchSerializer(serializers.Serializer):
    texts = serializers.ListField(
        child=serializers.CharField(trim_whitespace=False, allow_blank=True), required=False
    )
    files = serializers.ListField(child=serializers.FileField(), required=False)
