"""Prometheus metrics of the web and worker processes.

Every process that sets ``PROMETHEUS_MULTIPROC_DIR`` writes its samples there
(prometheus_client's multiprocess mode, needed for Celery's prefork children); the web's
/metrics (detection.ops.middleware) collects all the processes that share the folder, and a
worker started with ``DETECTION_WORKER_METRICS_PORT`` serves its own folder over HTTP for
setups where workers run on other machines (see docker/README.md).

Values computed at scrape time (queue depth, jobs waiting, open circuits) come from
collectors that read Redis, the database and the cache in the scraping process.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

DURATION_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600)

HTTP_REQUESTS = Counter(
    "aidetect_http_requests", "HTTP requests answered, by URL name", ["method", "view", "status"]
)
HTTP_SECONDS = Histogram(
    "aidetect_http_request_seconds",
    "Time to answer an HTTP request",
    ["view"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
SUBMITTED = Counter(
    "aidetect_detections_submitted", "Detection jobs accepted", ["modality", "source"]
)
DETECTIONS = Counter(
    "aidetect_detections",
    "Detection jobs finished, by outcome",
    ["modality", "verdict", "status"],
)
ERRORS = Counter("aidetect_errors", "Errors by type and where they happened", ["type", "where"])
DETECTOR_SECONDS = Histogram(
    "aidetect_detector_seconds",
    "Time a detector took for one input (batched inputs share their batch's time)",
    ["detector"],
    buckets=DURATION_BUCKETS,
)
MODEL_LOAD_SECONDS = Histogram(
    "aidetect_model_load_seconds",
    "Time to load a detector's model",
    ["detector"],
    buckets=(0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300),
)
MODEL_EVICTIONS = Counter(
    "aidetect_model_evictions", "Detectors unloaded to free memory", ["detector", "reason"]
)
RESULT_CACHE = Counter(
    "aidetect_result_cache", "Result cache lookups (same input and detector version)", ["result"]
)
BATCH_SIZE = Histogram(
    "aidetect_batch_size",
    "Inputs scored in one detect_batch call",
    ["detector"],
    buckets=(1, 2, 4, 8, 16, 32, 64),
)
THROTTLED = Counter("aidetect_throttled", "API requests refused by a rate limit", ["scope"])
LIVE_SESSIONS = Gauge(
    "aidetect_live_sessions_active",
    "Live camera/microphone checks in progress",
    multiprocess_mode="livesum",
)
WINDOWS = Counter(
    "aidetect_windows",
    "Stream windows (text, live frames and voice) by outcome: scored, dropped (stale on the "
    "way or in the queue), expired (stale when a worker took it), rejected, failed",
    ["kind", "outcome"],
)


def observe_error(exc: BaseException | str, where: str) -> None:
    name = exc if isinstance(exc, str) else type(exc).__name__
    ERRORS.labels(type=name, where=where).inc()


def observe_result(detector: str, elapsed_s: float, members: list[dict[str, Any]]) -> None:
    DETECTOR_SECONDS.labels(detector=detector).observe(elapsed_s)
    # Ensemble members report their own time, so each member's histogram fills too.
    for member in members:
        if member.get("detector") and member.get("elapsed_ms") is not None:
            DETECTOR_SECONDS.labels(detector=member["detector"]).observe(
                float(member["elapsed_ms"]) / 1000
            )


_hooks_installed = False
_hooks_lock = threading.Lock()


def install_engine_hooks() -> None:
    """Record model loads and evictions from the engine (idempotent, per process)."""
    global _hooks_installed
    with _hooks_lock:
        if _hooks_installed:
            return
        from detection.engine import memory, registry

        registry.add_load_listener(
            lambda name, seconds: MODEL_LOAD_SECONDS.labels(detector=name).observe(seconds)
        )
        memory.manager.listeners.append(
            lambda name, reason: MODEL_EVICTIONS.labels(detector=name, reason=reason).inc()
        )
        _hooks_installed = True


# More scrape-time gauges, registered by the modules that own the state (the circuit
# breaker registers its own: this module must not import the execution path, which
# imports it).
STATE_SOURCES: list[Callable[[], Iterator[GaugeMetricFamily]]] = []


def add_state_source(source: Callable[[], Iterator[GaugeMetricFamily]]) -> None:
    if source not in STATE_SOURCES:
        STATE_SOURCES.append(source)


class StateCollector(Collector):
    """Queue depth (Redis lists), jobs waiting/running (database) and the registered
    sources (open circuits)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from _safe(self._queue_depth)
        yield from _safe(self._jobs)
        for source in list(STATE_SOURCES):
            yield from _safe(source)

    @staticmethod
    def _queue_depth() -> Iterator[GaugeMetricFamily]:
        from django.conf import settings

        if not settings.REDIS_URL:
            return
        import redis

        family = GaugeMetricFamily(
            "aidetect_queue_depth", "Messages waiting in a Celery queue", labels=["queue"]
        )
        client = redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2)
        for queue in settings.DETECTION_METRICS_QUEUES:
            # kombu keeps one list per priority step: "gpu", "gpu\x06\x163", ...
            names = [queue, *(f"{queue}\x06\x16{p}" for p in range(1, 10))]
            family.add_metric([queue], float(sum(int(client.llen(n)) for n in names)))
        yield family

    @staticmethod
    def _jobs() -> Iterator[GaugeMetricFamily]:
        from django.db.models import Count

        from detection.models import Detection, Status

        family = GaugeMetricFamily(
            "aidetect_detections_pending", "Jobs queued or running", labels=["status"]
        )
        counts = dict(
            Detection.objects.filter(status__in=[Status.QUEUED, Status.RUNNING])
            .order_by()
            .values_list("status")
            .annotate(n=Count("id"))
        )
        for status in (Status.QUEUED, Status.RUNNING):
            family.add_metric([status], float(counts.get(status, 0)))
        yield family


def _safe(produce: Any) -> Iterator[GaugeMetricFamily]:
    try:
        yield from produce()
    except Exception as exc:  # a scrape must not fail because Redis or the DB is down
        logger.warning("metrics collector %s failed: %s", produce.__name__, type(exc).__name__)


_state_collector = StateCollector()
_default_registered = False


def render() -> bytes:
    """The text exposition of every metric this deployment's processes wrote."""
    global _default_registered
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(_state_collector)
        return generate_latest(registry)
    from prometheus_client import REGISTRY

    if not _default_registered:
        REGISTRY.register(_state_collector)
        _default_registered = True
    return generate_latest(REGISTRY)


def start_worker_exporter(port: int, addr: str = "0.0.0.0") -> None:  # noqa: S104
    """Serve this worker's metrics (all its pool processes) on ``addr:port``."""
    from prometheus_client import REGISTRY, start_http_server

    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    start_http_server(port, addr=addr, registry=registry)
    logger.info("worker metrics on http://%s:%d/metrics", addr, port)


def mark_process_dead(pid: int) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid)
