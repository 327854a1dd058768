"""Every API error is JSON: {"error": {"code", "message", "fields"?}}."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from detection.validation import InputError


def _first_message(detail: Any) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            inner = _first_message(value)
            return inner if key in ("non_field_errors", "detail") else f"{key}: {inner}"
    if isinstance(detail, list) and detail:
        return _first_message(detail[0])
    return str(detail)


def _too_big_message() -> str:
    from django.conf import settings

    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return (
        f"the request body is larger than {limit:,} bytes; media go as multipart 'file' or "
        "'files' uploads, which have their own limit (DETECTION_MAX_UPLOAD_BYTES)"
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The API's JSON errors, plus ``retry_after`` (seconds) on a 429.

    DRF already sets the Retry-After header from the throttle's wait; the body repeats
    it so clients that only read JSON can back off too.
    """
    response = _json_error(exc, context)
    wait = getattr(exc, "wait", None)
    if response is not None and isinstance(exc, exceptions.Throttled) and wait is not None:
        retry_after = max(int(wait + 0.999), 1)
        response["Retry-After"] = str(retry_after)
        if isinstance(response.data, dict) and isinstance(response.data.get("error"), dict):
            response.data["error"]["retry_after"] = retry_after
            reason = getattr(exc, "reason", "Too many requests")
            response.data["error"]["message"] = f"{reason}; retry after {retry_after} s."
    return response


def _json_error(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, InputError):
        return Response({"error": {"code": exc.code, "message": exc.message}}, status=exc.status)
    if isinstance(exc, RequestDataTooBig):
        # Django's own answer would be an HTML 400 page.
        return Response(
            {"error": {"code": "too_large", "message": _too_big_message()}},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    if isinstance(exc, SuspiciousOperation):  # too many fields or files, a broken multipart
        return Response(
            {"error": {"code": "malformed_request", "message": str(exc) or "malformed request"}},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("not found")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else code
    body: dict[str, Any] = {"code": code, "message": _first_message(response.data)}
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, dict):
        body["fields"] = response.data
    if response.status_code == status.HTTP_400_BAD_REQUEST and isinstance(
        exc, exceptions.ParseError
    ):
        body["code"] = "malformed_request"
    response.data = {"error": body}
    return response
