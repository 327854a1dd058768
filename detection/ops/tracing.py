"""Optional OpenTelemetry tracing of a detection: request -> queue -> worker -> result.

Off unless ``OTEL_EXPORTER_OTLP_ENDPOINT`` (an OTLP/HTTP collector, with the standard
OTEL_* variables) or ``DETECTION_TRACE_FILE`` (JSON lines, one span each; for tests and
debugging) is set, and only when the opentelemetry packages are installed: without them
every helper here is a no-op. The web process opens a server span per request
(detection.ops.middleware.TracingMiddleware); Celery's instrumentation carries the context in the
task message, so the worker's spans join the request's trace.
"""

from __future__ import annotations

import importlib.util
import json
import os
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from typing import Any

_setup_lock = threading.Lock()
_ready = False


def enabled() -> bool:
    wanted = os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT") or os.environ.get("DETECTION_TRACE_FILE")
    return bool(wanted) and importlib.util.find_spec("opentelemetry.sdk") is not None


def setup(service_name: str) -> bool:
    """Install the tracer provider and Celery instrumentation once per process."""
    global _ready
    if not enabled():
        return False
    with _setup_lock:
        if _ready:
            return True
        from opentelemetry import trace
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor

        name = os.environ.get("OTEL_SERVICE_NAME", service_name)
        provider = TracerProvider(resource=Resource.create({"service.name": name}))
        if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        if os.environ.get("DETECTION_TRACE_FILE"):
            exporter = JsonLinesExporter(os.environ["DETECTION_TRACE_FILE"])
            # Duck-typed SpanExporter: subclassing it would import the SDK with this module.
            provider.add_span_processor(SimpleSpanProcessor(exporter))  # type: ignore[arg-type]
        trace.set_tracer_provider(provider)
        if importlib.util.find_spec("opentelemetry.instrumentation.celery"):
            from opentelemetry.instrumentation.celery import CeleryInstrumentor

            CeleryInstrumentor().instrument()
        _ready = True
        return True


@contextmanager
def span(name: str, **attributes: Any) -> Iterator[Any]:
    """A span under the current one (a no-op when tracing is off)."""
    if not _ready:
        with nullcontext() as nothing:
            yield nothing
        return
    from opentelemetry import trace

    with trace.get_tracer("aidetect").start_as_current_span(name, attributes=attributes) as s:
        yield s


def annotate(**attributes: Any) -> None:
    """Add attributes to the current span (e.g. the detection id once it exists)."""
    if _ready:
        from opentelemetry import trace

        trace.get_current_span().set_attributes(attributes)


class JsonLinesExporter:
    """Appends one JSON object per finished span to a file (several processes may share it)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()

    def export(self, spans: Sequence[Any]) -> Any:
        from opentelemetry.sdk.trace.export import SpanExportResult

        lines = []
        for s in spans:
            context, parent = s.get_span_context(), s.parent
            lines.append(
                json.dumps(
                    {
                        "name": s.name,
                        "service": s.resource.attributes.get("service.name"),
                        "trace_id": f"{context.trace_id:032x}",
                        "span_id": f"{context.span_id:016x}",
                        "parent_id": f"{parent.span_id:016x}" if parent else None,
                        "attributes": {k: str(v) for k, v in (s.attributes or {}).items()},
                    }
                )
            )
        with self._lock, open(self.path, "a", encoding="utf-8") as fh:
            fh.write("".join(line + "\n" for line in lines))
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        return None

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return True
