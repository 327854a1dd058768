"""Request metrics, the /metrics endpoint, and 503 while a backing service is down.

/metrics is served here rather than in a URLconf so every request, including 404s, is
counted by the same middleware that guards the endpoint. Access: a staff session, a
bearer token listed in METRICS_TOKEN, or a client address inside METRICS_ALLOWED_NETWORKS.
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import time
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)
RETRY_AFTER_S = 5


@cache
def _unavailable_errors() -> tuple[type[BaseException], ...]:
    import kombu.exceptions
    import redis.exceptions

    from detection.dispatch import QueueUnavailable

    return (
        OperationalError,
        InterfaceError,
        redis.exceptions.ConnectionError,
        redis.exceptions.TimeoutError,
        kombu.exceptions.OperationalError,
        QueueUnavailable,
    )


class ServiceUnavailableMiddleware:
    """A database or Redis outage answers 503 + Retry-After, not a 500 with a traceback."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exc: Exception) -> HttpResponse | None:
        if not isinstance(exc, _unavailable_errors()):
            return None
        from detection import metrics

        metrics.observe_error(exc, "web")
        logger.warning("answering 503: %s (%s) %s", type(exc).__name__, request.path, exc)
        response = JsonResponse(
            {
                "error": {
                    "code": "service_unavailable",
                    "message": "A backing service is unavailable; retry shortly.",
                    "retry_after": RETRY_AFTER_S,
                }
            },
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from detection import metrics

        if request.path == settings.METRICS_PATH:
            return self._metrics(request)
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        # The URL's name, not its path: ids in paths would make a series per detection.
        view = match.view_name if match is not None and match.view_name else "<unmatched>"
        metrics.HTTP_REQUESTS.labels(request.method, view, str(response.status_code)).inc()
        metrics.HTTP_SECONDS.labels(view).observe(time.perf_counter() - started)
        if response.status_code >= 500:
            metrics.observe_error(f"http_{response.status_code}", "web")
        return response

    def _metrics(self, request: HttpRequest) -> HttpResponse:
        from detection import metrics

        if not metrics_allowed(request):
            return JsonResponse(
                {"error": {"code": "forbidden", "message": "metrics are for staff"}}, status=403
            )
        return HttpResponse(metrics.render(), content_type="text/plain; version=0.0.4")


def metrics_allowed(request: HttpRequest) -> bool:
    try:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_staff:
            return True
    except _unavailable_errors():
        pass  # sessions live in the database: without it, fall back to token and address
    header = request.headers.get("Authorization", "")
    if header[:7].lower() == "bearer " and settings.METRICS_TOKEN:
        offered = header[7:].strip().encode()
        if any(hmac.compare_digest(offered, t.encode()) for t in settings.METRICS_TOKEN):
            return True
    return _address_allowed(request.META.get("REMOTE_ADDR", ""))


def _address_allowed(address: str) -> bool:
    if not settings.METRICS_ALLOWED_NETWORKS or not address:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    networks = settings.METRICS_ALLOWED_NETWORKS
    return any(ip in ipaddress.ip_network(n, strict=False) for n in networks)


class TracingMiddleware:
    """One server span per request, continuing a caller's trace (W3C traceparent header)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from . import tracing

        self.get_response = get_response
        self.enabled = tracing.setup("aidetect-web")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not self.enabled:
            return self.get_response(request)
        from opentelemetry import propagate, trace

        tracer = trace.get_tracer("aidetect")
        context = propagate.extract(dict(request.headers))
        with tracer.start_as_current_span(
            f"HTTP {request.method}", context=context, kind=trace.SpanKind.SERVER
        ) as span:
            response = self.get_response(request)
            match = getattr(request, "resolver_match", None)
            span.update_name(f"HTTP {request.method} {getattr(match, 'view_name', '') or '-'}")
            span.set_attribute("http.request.method", request.method or "")
            span.set_attribute("http.response.status_code", response.status_code)
            return response
