"""GET /api/v1/detectors/: the detector catalogue, so callers can cite what a score means."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from detection.catalogue.catalogue import detectors_catalogue


class ModelRefSerializer(serializers.Serializer):
    id = serializers.CharField()
    revision = serializers.CharField(allow_blank=True, allow_null=True)


class DetectorEntrySerializer(serializers.Serializer):
    name = serializers.CharField()
    modality = serializers.CharField()
    description = serializers.CharField(allow_blank=True)
    default = serializers.BooleanField(help_text="Jobs of this modality run this detector.")
    version = serializers.CharField(help_text="Digest of code, calibration and spec.")
    available = serializers.BooleanField()
    unavailable_reason = serializers.CharField(allow_blank=True)
    models = ModelRefSerializer(
        many=True, help_text="Models of the newest completed run of this version (if any)."
    )
    held_out = serializers.JSONField(
        allow_null=True,
        help_text="Figures on held-out data from the calibration file (null: none shipped).",
    )


class DetectorCatalogueView(APIView):
    @extend_schema(responses={200: DetectorEntrySerializer(many=True)})
    def get(self, request: Request) -> Response:
        return Response(DetectorEntrySerializer(detectors_catalogue(), many=True).data)
