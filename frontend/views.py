"""Browser pages. They read the same rows as the API; writes go through the API (session auth)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from detection.models import Detection


@login_required
@require_GET
def upload(request: HttpRequest) -> HttpResponse:
    return render(request, "frontend/upload.html")


@login_required
@require_GET
def detection_detail(request: HttpRequest, detection_id: str) -> HttpResponse:
    detection = get_object_or_404(Detection, pk=detection_id, owner=request.user)
    return render(request, "frontend/detection.html", {"detection": detection})


@login_required
@require_GET
def history(request: HttpRequest) -> HttpResponse:
    queryset = Detection.objects.filter(owner=request.user)  # type: ignore[misc]
    page = Paginator(queryset, 25).get_page(request.GET.get("page"))
    return render(request, "frontend/history.html", {"page": page})
