"""Shared steps of every audio detector: decode, find speech, cut windows, build results.

An ensemble prepares a file once (:func:`prepare`) and hands the same speech windows to
each member, so decoding and voice activity detection are not repeated.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ..result import DetectionResult, ModelRef
from .loading import LoadedAudio, load_audio
from .vad import MODEL_ID as VAD_MODEL_ID
from .vad import SpeechFinder, package_version
from .windows import SpeechPlan, plan_windows

# Files: AASIST's native input, 64,600 samples (~4.04 s), with 50 % overlap.
FILE_WINDOW = 64_600
FILE_HOP = 32_300
NO_SPEECH_REASON = "no speech found: silence or noise is not scored as AI or human"


@dataclass
class PreparedAudio:
    audio: LoadedAudio
    segments: list[tuple[int, int]]
    plan: SpeechPlan

    @property
    def has_speech(self) -> bool:
        return bool(self.plan.windows)


@lru_cache(maxsize=1)
def speech_finder() -> SpeechFinder:
    """One VAD per process (it holds an ONNX session)."""
    return SpeechFinder()


def vad_model() -> ModelRef:
    return ModelRef(id=VAD_MODEL_ID, revision=package_version())


def prepare(path: Path, window: int = FILE_WINDOW, hop: int = FILE_HOP) -> PreparedAudio:
    audio = load_audio(Path(path))
    segments = speech_finder().segments(audio.samples)
    return PreparedAudio(audio, segments, plan_windows(audio.samples, segments, window, hop))


def _r(x: float) -> float:
    return round(float(x), 3)


def timeline(
    plan: SpeechPlan, probabilities: list[float] | None = None, raws: list[float] | None = None
) -> list[dict[str, Any]]:
    """Scored speech windows and unscored non-speech stretches, in time order."""
    rows: list[dict[str, Any]] = []
    for i, w in enumerate(plan.windows):
        row: dict[str, Any] = {"start": _r(w.start_s), "end": _r(w.end_s), "speech": True}
        if probabilities is not None:
            row["probability_ai"] = _r(probabilities[i])
        if raws is not None:
            row["raw_score"] = _r(raws[i])
        rows.append(row)
    for start, end in plan.gaps:
        if end - start >= 0.05:  # skip slivers between VAD segments
            rows.append(
                {"start": _r(start), "end": _r(end), "speech": False, "probability_ai": None}
            )
    rows.sort(key=lambda r: (r["start"], not r["speech"]))
    return rows


def base_evidence(prepared: PreparedAudio) -> dict[str, Any]:
    info = prepared.audio.info
    return {
        "duration_s": _r(prepared.plan.total_seconds),
        "speech_s": _r(prepared.plan.speech_seconds),
        "speech_segments": [[_r(s / 16000), _r(e / 16000)] for s, e in prepared.segments],
        "source": {
            "format": info.format,
            "codec": info.codec,
            "sample_rate": info.sample_rate,
            "channels": info.channels,
        },
    }


def no_speech_result(
    prepared: PreparedAudio, detector: str, models: list[ModelRef], elapsed_ms: float
) -> DetectionResult:
    """Silence-only input: verdict ``uncertain`` with the reason; 0.5 means no information."""
    evidence = base_evidence(prepared)
    evidence["timeline"] = timeline(prepared.plan)
    evidence["reason"] = NO_SPEECH_REASON
    return DetectionResult(
        modality="audio",
        detector=detector,
        verdict="uncertain",
        probability_ai=0.5,
        raw_score=None,
        threshold=None,
        models=models,
        elapsed_ms=elapsed_ms,
        evidence=evidence,
        warnings=[*prepared.audio.warnings, NO_SPEECH_REASON],
    )


def aggregate(raws: np.ndarray) -> float:
    """One raw score for a recording: the mean over its speech windows."""
    value = float(np.mean(raws))
    return value if math.isfinite(value) else 0.0
