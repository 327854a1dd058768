"""``audio.vote``: AASIST and the Whisper-feature head, fused by voting.

This was the default audio detector before the voice detector (:mod:`voice`); it stays
available by name.

The file is decoded and its speech found once; both members score the same windows.
The fused probability is the weighted mean of the members' calibrated probabilities
(:func:`detection.engine.voting.vote`); weights and verdict cuts come from
``calibration/ensemble.json``, written by ``manage.py calibrate_audio`` from the
calibration split. ``options={"voting": "majority" | "unanimous" | "weighted"}`` picks
another voting rule. Each member's full result is kept in ``members``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..base import DetectorInput, Progress
from ..errors import InputRejected, ModelUnavailable
from ..result import DetectionResult, Modality, ModelRef
from ..voting import VOTING_METHODS, vote
from . import analysis
from .detector import WindowDetector
from .paths import ENSEMBLE_PATH
from .streaming import LiveScore

MEMBERS = ("audio.aasist", "audio.whisper_head")


@dataclass(frozen=True)
class EnsembleConfig:
    voting: str
    weights: dict[str, float]
    ai_at: float
    human_below: float
    stream_ai_at: float
    stream_human_below: float
    provenance: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = ENSEMBLE_PATH) -> EnsembleConfig:
        if not path.is_file():
            raise ModelUnavailable(
                f"ensemble settings missing: expected {path}; "
                "write them with `manage.py calibrate_audio`"
            )
        data = json.loads(path.read_text())
        stream = data.get("stream_verdict", data["verdict"])
        return cls(
            voting=data["voting"],
            weights={k: float(v) for k, v in data["weights"].items()},
            ai_at=float(data["verdict"]["ai_at"]),
            human_below=float(data["verdict"]["human_below"]),
            stream_ai_at=float(stream["ai_at"]),
            stream_human_below=float(stream["human_below"]),
            provenance=data.get("provenance", {}),
        )


def fused_timeline(members: list[DetectionResult], weights: Mapping[str, float]) -> list[dict]:
    """Per-window weighted mean of the members' window probabilities (same windows)."""
    base = members[0].evidence.get("timeline", [])
    rows: list[dict[str, Any]] = []
    for i, row in enumerate(base):
        fused = dict(row)
        fused.pop("raw_score", None)
        if row.get("speech") and row.get("probability_ai") is not None:
            total = weight_sum = 0.0
            per_member: dict[str, float] = {}
            for m in members:
                p = m.evidence["timeline"][i]["probability_ai"]
                w = float(weights.get(m.detector, 1.0))
                per_member[m.detector] = p
                total += w * p
                weight_sum += w
            fused["probability_ai"] = round(total / weight_sum, 3)
            fused["members"] = per_member
        rows.append(fused)
    return rows


class AudioEnsemble:
    name = "audio.vote"
    modality: Modality = "audio"

    def __init__(self) -> None:
        self.config: EnsembleConfig | None = None
        self.members: list[WindowDetector] = []

    def load(self) -> None:
        # The members are this ensemble's own instances (not the registry's): the registry
        # loads a detector under its lock, so asking it for members here would deadlock.
        # The streaming analyzer reuses these through the registry's ensemble instance.
        from .aasist import AasistDetector
        from .whisper_head import WhisperHeadDetector

        config = EnsembleConfig.load()
        members: list[WindowDetector] = [AasistDetector(), WhisperHeadDetector()]
        for member in members:
            member.load()
        assert tuple(m.name for m in members) == MEMBERS
        self.members = members
        self.config = config

    # -- live windows (the streaming analyzer's scorer) -------------------------------
    @property
    def live_cuts(self) -> tuple[float, float]:
        assert self.config is not None
        return self.config.stream_ai_at, self.config.stream_human_below

    def live_models(self) -> list[ModelRef]:
        return [ref for m in self.members for ref in m.models()] + [analysis.vad_model()]

    def score_live(self, speech: Any) -> LiveScore:
        """Each member's 2 s calibration, then the configured vote with the stream cuts."""
        if self.config is None:
            self.load()
        assert self.config is not None
        member_results = []
        members: dict[str, float] = {}
        timings: dict[str, float] = {}
        for member in self.members:
            t = time.perf_counter()
            raw = float(member.score_windows([speech])[0])
            cal = member.stream_calibration or member.calibration
            assert cal is not None
            p = cal.probability(raw)
            timings[member.name] = round((time.perf_counter() - t) * 1000, 1)
            members[member.name] = round(p, 4)
            member_results.append(
                DetectionResult("audio", member.name, cal.verdict(p), probability_ai=p)
            )
        verdict, p = vote(
            member_results,
            self.config.voting,  # type: ignore[arg-type]
            weights=self.config.weights,
            ai_at=self.config.stream_ai_at,
            human_below=self.config.stream_human_below,
        )
        return LiveScore(p, verdict, members, timings)

    def analyse(
        self,
        prepared: analysis.PreparedAudio,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult:
        assert self.config is not None
        start = time.perf_counter()
        method = str((options or {}).get("voting", self.config.voting))
        if method not in VOTING_METHODS:
            raise InputRejected(f"unknown voting method {method!r}; use one of {VOTING_METHODS}")
        results: list[DetectionResult] = []
        for k, member in enumerate(self.members):
            sub = None
            if progress is not None:

                def sub(f: float, msg: str, k: int = k) -> None:
                    progress(0.05 + 0.95 * (k + f) / len(self.members), msg)

            results.append(member.analyse(prepared, sub))
        models = [m for r in results for m in r.models if m.id != analysis.VAD_MODEL_ID]
        models.append(analysis.vad_model())
        if not prepared.has_speech:
            result = analysis.no_speech_result(
                prepared, self.name, models, (time.perf_counter() - start) * 1000
            )
            result.members = results
            return result
        verdict, probability = vote(
            results,
            method,  # type: ignore[arg-type]
            weights=self.config.weights,
            ai_at=self.config.ai_at,
            human_below=self.config.human_below,
        )
        evidence = analysis.base_evidence(prepared)
        evidence["timeline"] = fused_timeline(results, self.config.weights)
        evidence["voting"] = {
            "method": method,
            "weights": self.config.weights,
            "ai_at": self.config.ai_at,
            "human_below": self.config.human_below,
        }
        evidence["member_verdicts"] = {r.detector: r.verdict for r in results}
        evidence["members_disagree"] = len({r.verdict for r in results}) > 1
        return DetectionResult(
            modality="audio",
            detector=self.name,
            verdict=verdict,
            probability_ai=probability,
            raw_score=probability,
            threshold=self.config.ai_at,
            models=models,
            elapsed_ms=(time.perf_counter() - start) * 1000,
            evidence=evidence,
            members=results,
            warnings=list(prepared.audio.warnings),
        )

    def detect(
        self,
        content: DetectorInput,
        *,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult:
        if self.config is None:
            self.load()
        start = time.perf_counter()
        prepared = analysis.prepare(Path(content))
        if progress is not None:
            progress(0.05, "audio decoded, speech found")
        result = self.analyse(prepared, options, progress)
        result.elapsed_ms = (time.perf_counter() - start) * 1000
        return result
