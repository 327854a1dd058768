"""Browser pages. They read the same rows as the API; uploads go through the API (session
auth + CSRF) so the page can show upload progress and then follow the job's WebSocket."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods

from detection.api.serializers import DetectionSerializer
from detection.engine import registry
from detection.models import Detection
from detection.presentation.accuracy import accuracy_sections
from detection.selectors import detections_history, detections_owned
from detection.services import detection_delete
from detection.validation import TEXT_LENGTH_RULE

from .forms import HistoryFilterForm
from .media import INLINE_PREFIXES, media_response

HISTORY_PAGE_SIZE = 20
# What the file picker offers for each modality the server can check (the server still
# decides from the bytes; this only narrows the dialog).
ACCEPT = {
    "text": ["text/plain", ".txt", ".md"],
    "image": ["image/*"],
    "audio": ["audio/*", ".flac", ".m4a", ".ogg", ".opus"],
    "video": ["video/*", ".mkv", ".webm"],
}
MODALITY_NOUNS = {"text": "text", "image": "images", "audio": "audio", "video": "video"}


@login_required
@require_GET
def upload(request: HttpRequest) -> HttpResponse:
    modalities = [m for m in registry.supported_modalities() if m in ACCEPT]
    accept = [item for m in modalities for item in ACCEPT[m]]
    return render(
        request,
        "frontend/upload.html",
        {
            "modalities": modalities,
            "modality_nouns": [MODALITY_NOUNS[m] for m in modalities],
            "accept": ",".join(accept),
            "text_enabled": "text" in modalities,
            "max_upload_bytes": settings.DETECTION_MAX_UPLOAD_BYTES,
            "max_text_chars": settings.DETECTION_MAX_TEXT_CHARS,
            "text_length_rule": TEXT_LENGTH_RULE,
        },
    )


def _media_url(detection: Detection) -> str:
    if detection.input_file and detection.content_type.startswith(INLINE_PREFIXES):
        return reverse("frontend:detection-media", args=[detection.pk])
    return ""


@login_required
@require_GET
def detection_detail(request: HttpRequest, detection_id: str) -> HttpResponse:
    detection = get_object_or_404(detections_owned(request.user), pk=detection_id)
    return render(
        request,
        "frontend/detection.html",
        {
            "detection": detection,
            # The first paint uses the row as it is now; the WebSocket takes over from there.
            "initial": DetectionSerializer(detection).data,
            "media_url": _media_url(detection),
        },
    )


@login_required
@require_GET
def detection_media(
    request: HttpRequest, detection_id: str
) -> HttpResponse | StreamingHttpResponse:
    detection = get_object_or_404(detections_owned(request.user), pk=detection_id)
    if not detection.input_file:
        raise Http404("this detection has no uploaded file")
    try:
        return media_response(request, detection)
    except FileNotFoundError as exc:
        raise Http404("the uploaded file is no longer stored") from exc


@login_required
@require_http_methods(["GET", "POST"])
def detection_delete_view(request: HttpRequest, detection_id: str) -> HttpResponse:
    detection = get_object_or_404(detections_owned(request.user), pk=detection_id)
    back = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = ""
    if request.method == "POST":
        label = detection.original_name or f"{detection.modality} check"
        deleted_id = str(detection.pk)  # the instance loses its pk on delete
        detection_delete(detection=detection)
        messages.success(request, f"Deleted “{label}”.")
        # Never send the user back to the page of the row that no longer exists.
        if not back or deleted_id in back:
            back = reverse("frontend:history")
        return redirect(back)
    return render(request, "frontend/delete.html", {"detection": detection, "next": back})


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    form = HistoryFilterForm(request.GET or None)
    filters: dict[str, object] = {}
    if form.is_bound:
        form.is_valid()
        # Apply the fields that did parse; the form shows what was wrong with the rest.
        filters = form.cleaned_data
    queryset = detections_history(request.user, filters)
    page = Paginator(queryset, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "frontend/history.html",
        {
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "querystring": query.urlencode(),
            "here": request.get_full_path(),
        },
    )


@require_GET
def favicon(request: HttpRequest) -> FileResponse:
    # Browsers ask for /favicon.ico on pages that name no icon (the API docs, JSON views).
    path = finders.find("favicon.ico")
    if not path:
        raise Http404("no favicon")
    response = FileResponse(open(path, "rb"), content_type="image/x-icon")  # noqa: SIM115
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def accuracy(request: HttpRequest) -> HttpResponse:
    """How accurate is this? Each default detector's measured error rates and reliability,
    read from its calibration file (so the page changes when the detector does)."""
    return render(request, "frontend/accuracy.html", {"sections": accuracy_sections()})
