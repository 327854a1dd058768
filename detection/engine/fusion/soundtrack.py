"""A video's visual verdict fused with its soundtrack's audio verdict.

Used by both video detectors (``video.frames`` and ``fusion.multimodal``); it needs the
visual result only, never the video detector itself, so video and fusion do not import
each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import settings
from ..result import DetectionResult
from .fuse import fuse, method_from


def with_soundtrack(
    path: Path,
    visual: DetectionResult,
    options: Mapping[str, Any],
    *,
    detector_name: str,
) -> DetectionResult:
    """Analyse the soundtrack (if any) and fuse it with ``visual``."""
    from ..video.audio_track import analyse

    workdir = options.get("artifacts_dir")
    outcome = analyse(path, options, Path(workdir) if workdir else None)
    audio_info = {"status": outcome.status, "seconds": round(outcome.seconds, 3)}
    if outcome.result is None:
        visual.evidence["audio"] = audio_info
        if outcome.status != "no audio track":
            visual.warnings.append(outcome.status)
        visual.detector = detector_name
        return visual
    visual_member = DetectionResult.from_dict(visual.to_dict())
    visual_member.detector = "video.visual"
    weights = {"video.visual": 1.0, outcome.result.detector: 1.0}
    weights.update(settings.current().video.fusion_weights)
    fused = fuse(
        [visual_member, outcome.result],
        detector=detector_name,
        method=method_from(options),
        weights=weights,
        evidence={
            "audio": audio_info,
            "provenance_findings": visual.evidence.get("provenance_findings", []),
        },
    )
    if visual.evidence.get("decided_by") == "provenance":
        fused.verdict = "ai"
        fused.probability_ai = max(fused.probability_ai, visual.probability_ai)
        fused.evidence["decided_by"] = "provenance"
        fused.evidence["override"] = visual.evidence.get("override")
    return fused
