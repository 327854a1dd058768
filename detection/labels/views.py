"""The staff "field accuracy" page: per detector version, from owners' labels."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import field_accuracy

SIZE = 160  # the reliability diagram's side, in SVG units


def _diagram(reliability: list[dict[str, Any]]) -> list[dict[str, float]]:
    """Points of the reliability diagram in SVG coordinates (y grows downwards)."""
    return [
        {
            "x": round(b["mean_predicted"] * SIZE, 1),
            "y": round((1 - b["fraction_ai"]) * SIZE, 1),
            "r": round(2 + min(b["count"], 50) ** 0.5, 1),
            "count": b["count"],
        }
        for b in reliability
    ]


@login_required
@require_GET
def field_accuracy_page(request: HttpRequest) -> HttpResponse:
    if not request.user.is_staff:
        raise PermissionDenied
    groups = field_accuracy()
    for group in groups:
        group["points"] = _diagram(group["reliability"])
    return render(request, "frontend/field_accuracy.html", {"groups": groups, "size": SIZE})
