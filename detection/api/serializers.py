from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from detection.models import Detection
from detection.presentation import reading_for


class DetectionSerializer(serializers.ModelSerializer):
    """A detection as clients see it (no file path, no client address)."""

    # A path, not an absolute URL, so worker and WebSocket pushes (no request) can render it.
    url = serializers.SerializerMethodField()
    reading = serializers.SerializerMethodField(
        help_text="The result in plain words, as every page shows it: `verdict` (ai, human or "
        "uncertain; a confident stored verdict whose probability lies between the "
        "detector's thresholds, or that no member detector shares, reads `uncertain`), "
        "`label` (Likely AI-generated, Likely human-made, Uncertain), `band` (confidence "
        "from the detector's measured error rate at this score), `error_rate` (that rate in "
        "a sentence, from the calibration file's held-out test), `cuts` and `item_cuts` "
        "(thresholds the evidence is coloured with), `disagreement`, `why` (strongest "
        "signals, built from the evidence) and `cannot_see` (the input's blind spots)."
    )

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
            "reading",
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
        extra_kwargs = {
            "verdict": {
                "help_text": "The detector's stored call: ai, human or uncertain. Pages show "
                "`reading.verdict`, which is never more confident than this."
            },
            "probability_ai": {
                "help_text": "Calibrated probability that the input is AI-generated, in [0, 1]; "
                "read it against `reading.cuts` (the detector's thresholds)."
            },
        }

    def get_url(self, obj: Detection) -> str:
        return reverse("api:detection-detail", args=[obj.id])

    def get_reading(self, obj: Detection) -> dict[str, Any]:
        return reading_for(
            {
                "status": obj.status,
                "modality": obj.modality,
                "verdict": obj.verdict,
                "probability_ai": obj.probability_ai,
                "detector": obj.detector,
                "results": obj.results,
                "evidence": obj.evidence,
                "content_type": obj.content_type,
                "input_meta": obj.input_meta,
            }
        )


class DetectionCreateSerializer(serializers.Serializer):
    """Either `text` (JSON or form field) or `file` (multipart)."""

    text = serializers.CharField(
        required=False, trim_whitespace=False, allow_blank=True, help_text="Text to analyse."
    )
    file = serializers.FileField(required=False, help_text="An image, audio, video or text file.")

    def validate(self, attrs: dict) -> dict:  # type: ignore[type-arg]
        has_text, has_file = "text" in attrs, "file" in attrs
        if has_text == has_file:
            raise serializers.ValidationError("send exactly one of 'text' or 'file'")
        return attrs


class DetectionBatchSerializer(serializers.Serializer):
    texts = serializers.ListField(
        child=serializers.CharField(trim_whitespace=False, allow_blank=True), required=False
    )
    files = serializers.ListField(child=serializers.FileField(), required=False)
