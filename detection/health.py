"""/health (the process answers) and /ready (database, broker and detectors usable).

/ready's status is 503 when any check fails. An orchestrator can limit which checks
decide it with ``?checks=database,broker``: a web replica should leave the load balancer
when it cannot reach the database, not because a detector's circuit breaker is open
(that is reported, and jobs for that detector fail fast with the reason meanwhile).

Anonymous callers get the status only. What each check found (detector inventory, weight
paths and checksums, versions) is for staff and for the callers /metrics admits (a
METRICS_TOKEN bearer or an address in METRICS_ALLOWED_NETWORKS): it maps the deployment
for an attacker and helps no load balancer. ``runtime`` (those callers only) tells what the
detectors run on: CPU features, runtime versions, precision modes and the last golden
self-test recorded on this machine (issue 10).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from detection.engine import registry
from detection.execution import circuit


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
    circuits = circuit.states()
    for name, spec in sorted(registry.all_specs().items()):
        problem = registry.probe(spec)
        breaker = circuits.get(name, {"open": False})
        detectors[name] = {
            "ok": problem is None and not breaker["open"],
            "default": registry.is_default(spec),
            "modality": spec.modality,
            "circuit": "open" if breaker["open"] else "closed",
        }
        if problem:
            detectors[name]["error"] = problem
        elif breaker["open"]:
            detectors[name]["error"] = (
                f"circuit open after {breaker['failures']} failures ({breaker['reason']}); "
                f"retry in {breaker['retry_after_s']} s"
            )
    defaults_ok = [d["ok"] for d in detectors.values() if d["default"]]
    return {"ok": bool(defaults_ok) and all(defaults_ok), "detectors": detectors}


def _runtime() -> dict[str, Any]:
    """What the detectors run on (staff only), and the golden self-test recorded here.

    Not a check: a machine whose outputs moved still serves, but staff must see it. The
    self-test itself loads the models, so ``manage.py doctor`` runs it and records it.
    """
    from detection.engine import runtime_facts

    facts = runtime_facts.facts()
    facts["differs_from_lock"] = sorted(runtime_facts.lock_drift())
    facts["golden_self_test"] = runtime_facts.recorded_self_test()
    return facts


CHECKS = {"database": _check_database, "broker": _check_broker, "detectors": _check_detectors}


@never_cache
@require_GET
def ready(request: HttpRequest) -> JsonResponse:
    checks = {name: check() for name, check in CHECKS.items()}
    wanted = [c for c in request.GET.get("checks", "").split(",") if c in CHECKS] or list(CHECKS)
    ok = all(checks[name]["ok"] for name in wanted)
    body: dict[str, Any] = {"status": "ready" if ok else "unavailable"}
    if may_see_details(request):
        body["checks"] = checks
        body["runtime"] = _runtime()
    return JsonResponse(body, status=200 if ok else 503)


def may_see_details(request: HttpRequest) -> bool:
    from detection.ops.middleware import metrics_allowed

    return metrics_allowed(request)
