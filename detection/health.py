"""/health (the process answers) and /ready (database, broker and detectors usable)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from detection.engine import registry


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def _check_database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def _check_broker() -> dict[str, Any]:
    if not settings.REDIS_URL:
        return {"ok": True, "mode": "embedded (in-process jobs, in-memory channel layer)"}
    import redis

    timeout = settings.DETECTION_READY_CHECK_TIMEOUT
    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        client.ping()
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "mode": "redis"}


def _check_detectors() -> dict[str, Any]:
    detectors: dict[str, Any] = {}
    for name, spec in sorted(registry.all_specs().items()):
        problem = registry.probe(spec)
        detectors[name] = {
            "ok": problem is None,
            "default": spec.default,
            "modality": spec.modality,
        }
        if problem:
            detectors[name]["error"] = problem
    defaults_ok = [d["ok"] for d in detectors.values() if d["default"]]
    return {"ok": bool(defaults_ok) and all(defaults_ok), "detectors": detectors}


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    checks = {
        "database": _check_database(),
        "broker": _check_broker(),
        "detectors": _check_detectors(),
    }
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse(
        {"status": "ready" if ok else "unavailable", "checks": checks}, status=200 if ok else 503
    )
