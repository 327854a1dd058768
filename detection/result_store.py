"""``detection_result_store``: the one place a result becomes a completed row.

Jobs (a computed result), cache hits (a stored identical result) and live sessions (the
session's summary) all end here, so the row's shape, the log line, the metrics, the
Channels update and the ``detection_finished`` signal are the same for each.
"""

from __future__ import annotations

import logging
from typing import Any

from django.utils import timezone

from . import metrics, outcome
from .models import Detection, Status
from .publish import publish
from .signals import detection_finished

logger = logging.getLogger(__name__)


def _fill_from_result(detection: Detection, result: Any, cache_key: str, engine_ms: float) -> None:
    payload = result.to_dict()
    detection.verdict = result.verdict
    detection.probability_ai = result.probability_ai
    detection.detector = result.detector
    detection.results = {
        "raw_score": result.raw_score,
        "threshold": result.threshold,
        "members": payload["members"],
    }
    if cache_key:
        detection.results["cache_key"] = cache_key
    detection.evidence = result.evidence
    detection.models_used = payload["models"]
    detection.warnings = list(result.warnings)
    detection.timings = {
        "engine_ms": round(engine_ms, 1),
        "detector_ms": result.elapsed_ms,
        "cache_hit": False,
    }


def _fill_from_reused(detection: Detection, source: Detection) -> None:
    """``source``'s result, with timings that do not tell another account's hit apart."""
    for field in ("verdict", "probability_ai", "detector", "evidence", "models_used", "warnings"):
        setattr(detection, field, getattr(source, field))
    detection.results = dict(source.results)
    timings = source.timings or {}
    computed_ms = timings.get("detector_ms") or timings.get("original_detector_ms")
    if source.owner_id == detection.owner_id:
        detection.timings = {
            "cache_hit": True,
            "engine_ms": 0.0,
            # What the result cost when it was computed.
            "original_detector_ms": computed_ms,
        }
    else:
        # Another account's result: report it as computed, with the cost it had then.
        detection.timings = {
            "engine_ms": timings.get("engine_ms") or computed_ms,
            "detector_ms": computed_ms,
            "cache_hit": False,
        }
    logger.info("result reused from an identical job", extra={"cache_source": str(source.pk)})


def detection_result_store(
    *,
    detection: Detection,
    result: Any = None,
    reused: Detection | None = None,
    cache_key: str = "",
    engine_ms: float = 0.0,
    timings: dict[str, Any] | None = None,
) -> Detection:
    """Store ``result`` (a DetectionResult) or ``reused``'s result into ``detection``,
    mark it completed and tell everyone. With neither, the fields already set on the
    row are kept (a result an earlier try computed). ``timings`` replaces the computed
    timings (live sessions report latencies instead)."""
    if reused is not None:
        _fill_from_reused(detection, reused)
    elif result is not None:
        _fill_from_result(detection, result, cache_key, engine_ms)
    if timings is not None:
        detection.timings = timings
    detection.status = Status.COMPLETED
    detection.progress = 1.0
    detection.error_message = ""
    detection.finished_at = timezone.now()
    detection.lease_holder, detection.lease_expires_at = "", None
    outcome.save_keeping_result(detection)
    logger.info(
        "detection completed",
        extra={
            "event": "detection.completed",
            "verdict": detection.verdict,
            "attempt": detection.attempts,
            "cache_hit": bool((detection.timings or {}).get("cache_hit")),
        },
    )
    metrics.DETECTIONS.labels(
        modality=detection.modality, verdict=detection.verdict or "none", status="completed"
    ).inc()
    publish(detection)
    for receiver, error in detection_finished.send_robust(sender=Detection, detection=detection):
        if isinstance(error, Exception):
            logger.error("detection_finished receiver %r failed: %r", receiver, error)
    return detection
