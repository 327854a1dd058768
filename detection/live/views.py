"""The live check page (the media and results go over ``ws/live/``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .config import live_config


@login_required
@require_GET
def live_page(request: HttpRequest) -> HttpResponse:
    config = live_config()
    return render(
        request,
        "frontend/live.html",
        {
            "config": config.public(),
            "max_minutes": config.max_session_s / 60,
            "ws_path": "/ws/live/",
        },
    )
