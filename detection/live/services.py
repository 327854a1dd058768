"""Store a finished live session as a Detection (source ``live``)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from detection.models import Detection, Source, Status
from detection.result_store import detection_result_store

from .records import LIVE_MODALITIES
from .session import LiveSession
from .summary import FUSION_RULE, LiveSummary, in_time_order, summarise

CONTENT_TYPE = "application/vnd.aidetect.live-windows+json"


def _timings(session: LiveSession) -> dict[str, Any]:
    out: dict[str, Any] = {"session_s": round(session.elapsed_s, 2)}
    for modality in LIVE_MODALITIES:
        latencies = sorted(r.latency_ms for r in session.records[modality])
        if latencies:
            out[f"{modality}_latency_median_ms"] = round(latencies[len(latencies) // 2], 1)
            out[f"{modality}_latency_max_ms"] = round(latencies[-1], 1)
    return out


def _members(summary: LiveSummary, session: LiveSession) -> list[dict[str, Any]]:
    from detection.engine.result import DetectionResult

    compute_ms: dict[str, float] = {
        m: float(sum(r.analysis_ms for r in rs)) for m, rs in session.records.items()
    }
    members = []
    for modality, part in summary.per_modality.items():
        if part.probability_ai is None:
            continue
        result = DetectionResult(
            modality=modality,  # type: ignore[arg-type]
            detector=f"live.{modality}: {', '.join(part.detectors)}",
            verdict=part.verdict,  # type: ignore[arg-type]
            probability_ai=part.probability_ai,
            elapsed_ms=compute_ms.get(modality, 0.0),
            evidence={"windows": part.windows, "scored": part.scored, "votes": part.votes},
        )
        members.append(result.to_dict())
    return members


@transaction.atomic
def live_detection_store(
    *, session: LiveSession, client_address: str | None = None, models: list[dict[str, str]]
) -> Detection:
    """Write the session's summary; its per-window timelines go in ``evidence``."""
    summary = summarise(session.records, session.active or session.requested)
    availability = session.availability()
    started = datetime.fromtimestamp(session.started_wall, tz=UTC)
    evidence = {
        "live": {
            "transport": session.transport,
            "stop_reason": session.stop_reason,
            "duration_s": round(session.elapsed_s, 2),
            "modalities": availability,
            "config": session.config.public(),
            "stats": session.stats_json(),
        },
        "fusion": {
            "rule": FUSION_RULE,
            "per_modality": {m: asdict(s) for m, s in summary.per_modality.items()},
        },
        "video_timeline": [r.to_json() for r in in_time_order(session.records["video"])],
        "audio_timeline": [r.to_json() for r in in_time_order(session.records["audio"])],
    }
    warnings = list(summary.warnings)
    warnings += [f"{m}: {why}" for m, why in availability.items() if why != "analysed"]
    detection = Detection(
        owner=get_user_model().objects.get(pk=session.owner_id),
        modality=summary.modality,
        status=Status.RUNNING,
        source=Source.LIVE,
        sha256=summary.sha256,
        size_bytes=session.stats.bytes_received,
        content_type=CONTENT_TYPE,
        input_meta={
            "sha256_of": "the canonical JSON of the window results (timings left out)",
            "size_of": "the media bytes received (encrypted RTP, or JPEG + PCM)",
            "transport": session.transport,
            "duration_s": round(session.elapsed_s, 2),
            "frames_received": session.stats.frames_received,
            "audio_seconds": round(session.stats.audio_seconds, 2),
        },
        options={"frame_fps": session.config.frame_fps},
        verdict=summary.verdict,
        probability_ai=summary.probability_ai,
        detector="live.fusion",
        # Same shape as an uploaded detection's results: one member per analysed modality.
        results={"raw_score": None, "threshold": None, "members": _members(summary, session)},
        evidence=evidence,
        models_used=models,
        warnings=warnings,
        client_address=client_address,
        started_at=started,
    )
    # The summary is already in the row's fields; the store completes, saves and announces it.
    return detection_result_store(detection=detection, timings=_timings(session))
