"""From a session's window results to one stored verdict.

How windows are fused (also written into the stored evidence):

1. Per modality, only scored windows count (frames without a face or windows without
   speech are listed but carry no vote). The modality's verdict is the majority of the
   window verdicts each detector gave with its own calibrated threshold (a tie is
   ``uncertain``; see :func:`detection.engine.voting.vote`), and its probability is the
   mean of the windows' calibrated probabilities. Fewer than ``MIN_WINDOWS`` scored
   windows give ``uncertain``: one frame is too little to judge a call by.
2. Across modalities, one manipulated channel is enough: ``ai`` if any modality says
   ``ai``; ``human`` only if every analysed modality says ``human``; otherwise
   ``uncertain``. The probability is the highest modality probability (the most
   suspicious channel). Disagreement between modalities is reported.

The sha256 is of the canonical JSON of the window results (sorted keys, no spaces), so the
same analysis always hashes the same; ``size_bytes`` counts the media bytes received.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .records import LIVE_MODALITIES, WindowRecord

MIN_WINDOWS = 2
FUSION_RULE = (
    "per modality: majority of window verdicts (tie = uncertain), probability = mean of "
    f"window probabilities, fewer than {MIN_WINDOWS} scored windows = uncertain; "
    "across modalities: ai if any modality is ai, human if all are human, else uncertain; "
    "probability = highest modality probability"
)


@dataclass
class ModalitySummary:
    modality: str
    verdict: str
    probability_ai: float | None
    windows: int
    scored: int
    votes: dict[str, int]
    detectors: list[str]


@dataclass
class LiveSummary:
    modality: str  # "video" | "audio" | "multimodal"
    verdict: str
    probability_ai: float | None
    per_modality: dict[str, ModalitySummary]
    sha256: str
    warnings: list[str] = field(default_factory=list)


def _window_result(record: WindowRecord) -> Any:
    from detection.engine.result import DetectionResult

    return DetectionResult(
        modality="video" if record.modality == "video" else "audio",
        detector=record.detector,
        verdict=record.verdict,  # type: ignore[arg-type]
        probability_ai=float(record.probability_ai or 0.0),
    )


def summarise_modality(modality: str, records: Sequence[WindowRecord]) -> ModalitySummary:
    from detection.engine.voting import vote

    scored = [r for r in records if r.probability_ai is not None and r.verdict is not None]
    votes = {v: sum(1 for r in scored if r.verdict == v) for v in ("ai", "human", "uncertain")}
    detectors = sorted({r.detector for r in records})
    if not scored:
        return ModalitySummary(modality, "uncertain", None, len(records), 0, votes, detectors)
    verdict, probability = vote([_window_result(r) for r in scored], method="majority")
    if len(scored) < MIN_WINDOWS:
        verdict = "uncertain"
    return ModalitySummary(
        modality, verdict, float(probability), len(records), len(scored), votes, detectors
    )


def fuse(per_modality: dict[str, ModalitySummary]) -> tuple[str, float | None]:
    judged = [s for s in per_modality.values() if s.probability_ai is not None]
    if not judged:
        return "uncertain", None
    probability = max(float(s.probability_ai or 0.0) for s in judged)
    verdicts = [s.verdict for s in judged]
    if "ai" in verdicts:
        return "ai", probability
    if all(v == "human" for v in verdicts):
        return "human", probability
    return "uncertain", probability


def in_time_order(records: Sequence[WindowRecord]) -> list[WindowRecord]:
    """Results arrive newest-first under load; timelines and the hash use media time."""
    return sorted(records, key=lambda r: (r.start_s, r.end_s, r.index))


def canonical_windows(records: Mapping[Any, Sequence[WindowRecord]]) -> bytes:
    """The window results in a canonical byte form (what the stored sha256 is of).

    Timings are left out: they describe the server's load, not the media.
    """
    rows = [
        {k: v for k, v in record.to_json().items() if k not in ("latency_ms", "analysis_ms")}
        for modality in LIVE_MODALITIES
        for record in in_time_order(records.get(modality, []))
    ]
    return json.dumps(rows, sort_keys=True, separators=(",", ":")).encode()


def summarise(
    records: Mapping[Any, Sequence[WindowRecord]], analysed: tuple[str, ...]
) -> LiveSummary:
    per_modality = {m: summarise_modality(m, records.get(m, [])) for m in analysed}
    verdict, probability = fuse(per_modality)
    used = [m for m, s in per_modality.items() if s.windows]
    modality = used[0] if len(used) == 1 else "multimodal"
    warnings: list[str] = []
    for m, s in per_modality.items():
        if s.scored == 0:
            warnings.append(f"no {m} window could be scored")
        elif s.scored < MIN_WINDOWS:
            warnings.append(f"only {s.scored} {m} window(s) scored: too few to judge")
    if not used:
        modality = "multimodal" if len(analysed) != 1 else analysed[0]
    digest = hashlib.sha256(canonical_windows(records)).hexdigest()
    return LiveSummary(modality, verdict, probability, per_modality, digest, warnings)
