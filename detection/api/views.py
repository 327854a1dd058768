"""Thin API views: parse, call a service, serialise."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from detection.models import Detection, Modality, Source, Verdict
from detection.selectors import detections_listed, detections_owned
from detection.services import detection_create, detection_delete
from detection.validation import InputError, ValidatedInput, validate_text, validate_upload

from .serializers import DetectionBatchSerializer, DetectionCreateSerializer, DetectionSerializer


def client_address(request: Request) -> str | None:
    # REMOTE_ADDR only: X-Forwarded-For is trusted only behind a configured proxy (nginx sets
    # REMOTE_ADDR through daphne's --proxy-headers).
    return request.META.get("REMOTE_ADDR") or None


def _source(request: Request) -> str:
    return Source.WEB if request.auth is None else Source.API


def _parse_when(value: str, param: str, end_of_day: bool = False) -> datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        day = parse_date(value)
        if day is None:
            raise InputError(f"'{param}' must be an ISO date or datetime")
        parsed = datetime.combine(day, datetime.max.time() if end_of_day else datetime.min.time())
    from django.utils import timezone

    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed)
    try:
        # UTC: PostgreSQL cannot store every offset parse_datetime accepts (e.g. +18:26).
        return parsed.astimezone(UTC)
    except (OverflowError, ValueError) as exc:
        raise InputError(f"'{param}' is out of range") from exc


FILTER_PARAMETERS = [
    OpenApiParameter("modality", OpenApiTypes.STR, enum=Modality.values),
    OpenApiParameter("verdict", OpenApiTypes.STR, enum=Verdict.values),
    OpenApiParameter("status", OpenApiTypes.STR),
    OpenApiParameter("created_after", OpenApiTypes.DATETIME),
    OpenApiParameter("created_before", OpenApiTypes.DATETIME),
]


class DetectionViewSet(
    mixins.RetrieveModelMixin,
    mixins.ListModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = DetectionSerializer
    lookup_value_converter = "uuid"

    def get_queryset(self) -> QuerySet[Detection]:
        # Ownership is the queryset: another user's detection is simply not found (404).
        return detections_owned(self.request.user)

    def filter_queryset(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        params = self.request.query_params
        for name, choices in (("modality", Modality.values), ("verdict", Verdict.values)):
            value = params.get(name)
            if value and value not in choices:
                raise InputError(f"'{name}' must be one of {', '.join(choices)}")
        after, before = params.get("created_after"), params.get("created_before")
        return detections_listed(
            self.request.user,
            modality=params.get("modality", ""),
            verdict=params.get("verdict", ""),
            status=params.get("status", ""),
            created_after=_parse_when(after, "created_after") if after else None,
            created_before=(
                _parse_when(before, "created_before", end_of_day=True) if before else None
            ),
            queryset=queryset,
        )

    @extend_schema(parameters=FILTER_PARAMETERS)
    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().list(request, *args, **kwargs)

    @extend_schema(request=DetectionCreateSerializer, responses={202: DetectionSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        data = DetectionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        from detection.webhooks.services import callback_for_request, callback_register

        target = callback_for_request(request.auth, data.validated_data.get("callback_url"))
        with transaction.atomic():  # the callback exists before the job can start
            detection = self._create_from(request, data.validated_data)
            callback_register(owner=request.user, target=target, detection=detection)
        return Response(self.get_serializer(detection).data, status=status.HTTP_202_ACCEPTED)

    def _create_from(self, request: Request, validated_data: dict[str, Any]) -> Detection:
        if "url" in validated_data:
            from detection.posts.url_post import single_from_url

            part = single_from_url(validated_data["url"])
            return detection_create(
                owner=request.user,  # type: ignore[arg-type]
                validated=part.validated,
                source=_source(request),
                upload=part.upload,
                original_name=part.name,
                client_address=client_address(request),
            )
        return self._create_one(request, validated_data.get("text"), validated_data.get("file"))

    @extend_schema(
        request=DetectionBatchSerializer, responses={202: DetectionSerializer(many=True)}
    )
    @action(detail=False, methods=["post"])
    def batch(self, request: Request) -> Response:
        if not hasattr(request.data, "get"):
            raise InputError("the body must be a JSON object with 'texts' and/or multipart 'files'")
        texts = (
            request.data.getlist("texts")
            if hasattr(request.data, "getlist")
            else request.data.get("texts", [])
        )
        files = request.FILES.getlist("files") if hasattr(request.FILES, "getlist") else []
        if not isinstance(texts, list):
            raise InputError("'texts' must be a list of strings")
        count = len(texts) + len(files)
        if count == 0:
            raise InputError("send 'texts' (a list) and/or 'files' (multipart, repeated)")
        if count > settings.DETECTION_MAX_BATCH_ITEMS:
            raise InputError(
                f"a batch holds at most {settings.DETECTION_MAX_BATCH_ITEMS} items; got {count}",
                code="too_large",
                status=413,
            )
        # Validate every item first, so a bad item rejects the batch before any job is queued.
        validated: list[tuple[ValidatedInput, Any]] = []
        for index, text in enumerate(texts):
            validated.append((_with_index(validate_text, index, text), None))
        for index, upload in enumerate(files, start=len(texts)):
            validated.append((_with_index(self._validate_file, index, upload), upload))
        detections = [
            detection_create(
                owner=request.user,  # type: ignore[arg-type]
                validated=item,
                source=_source(request),
                upload=upload,
                original_name=getattr(upload, "name", "") if upload else "",
                client_address=client_address(request),
            )
            for item, upload in validated
        ]
        return Response(
            self.get_serializer(detections, many=True).data, status=status.HTTP_202_ACCEPTED
        )

    def destroy(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        detection_delete(detection=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @staticmethod
    def _validate_file(upload: Any) -> ValidatedInput:
        return validate_upload(upload, upload.name, getattr(upload, "size", None))

    def _create_one(self, request: Request, text: str | None, upload: Any) -> Detection:
        validated = validate_text(text) if text is not None else self._validate_file(upload)
        return detection_create(
            owner=request.user,  # type: ignore[arg-type]
            validated=validated,
            source=_source(request),
            upload=upload,
            original_name=getattr(upload, "name", "") if upload is not None else "",
            client_address=client_address(request),
        )


def _with_index(check: Any, index: int, value: Any) -> ValidatedInput:
    try:
        result: ValidatedInput = check(value)
    except InputError as exc:
        raise InputError(f"item {index}: {exc.message}", code=exc.code, status=exc.status) from exc
    return result
