"""The one result type every detector returns, whatever the modality."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Verdict = Literal["ai", "human", "uncertain"]
Modality = Literal["text", "image", "audio", "video", "multimodal"]

VERDICTS: tuple[Verdict, ...] = ("ai", "human", "uncertain")


@dataclass(frozen=True)
class ModelRef:
    """A model identity as recorded in the audit trail (e.g. a HF id pinned to a revision)."""

    id: str
    revision: str = ""


@dataclass
class DetectionResult:
    """What a detector concluded about one input.

    ``probability_ai`` is calibrated (see :mod:`detection.engine.calibration`);
    ``raw_score`` is the detector's own statistic before calibration and ``threshold`` is the
    raw-score cut that the verdict used. ``evidence`` is JSON-serialisable data a person can
    look at: sentence scores, patch heatmaps, frame or window timelines, provenance findings.
    ``members`` holds the results of an ensemble's members, each complete in itself.
    """

    modality: Modality
    detector: str
    verdict: Verdict
    probability_ai: float
    raw_score: float | None = None
    threshold: float | None = None
    models: list[ModelRef] = field(default_factory=list)
    elapsed_ms: float = 0.0
    evidence: dict[str, Any] = field(default_factory=dict)
    members: list[DetectionResult] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}")
        if not 0.0 <= self.probability_ai <= 1.0:
            raise ValueError(f"probability_ai {self.probability_ai} outside [0, 1]")

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DetectionResult:
        data = dict(data)
        data["models"] = [ModelRef(**m) for m in data.get("models", [])]
        data["members"] = [cls.from_dict(m) for m in data.get("members", [])]
        return cls(**data)
