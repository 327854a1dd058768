"""What the audio detectors share: score speech windows, calibrate, report a timeline.

A subclass loads its model and implements :meth:`WindowDetector.score_windows` (raw
scores, higher = more AI-like). Files are cut into ~4 s speech windows with 50 % overlap;
the recording's raw score is the mean over windows and its probability comes from the
detector's calibration file. Each window's probability in the timeline uses the same
mapping (fitted on whole recordings, so it is a guide rather than a calibrated figure).
Streaming windows (2 s) have their own calibration file, fitted on 2 s windows.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..base import DetectorInput, Progress
from ..calibration import Calibration
from ..errors import ModelUnavailable
from ..result import DetectionResult, Modality, ModelRef
from . import analysis
from .paths import calibration_path


def load_calibration(name: str, stream: bool = False) -> Calibration:
    path = calibration_path(name, stream)
    if not path.is_file():
        raise ModelUnavailable(
            f"calibration file missing: expected {path}; write it with `manage.py calibrate_audio`"
        )
    return Calibration.load(path)


class WindowDetector:
    name: str = ""
    modality: Modality = "audio"
    batch_size = 8

    def __init__(self) -> None:
        self.calibration: Calibration | None = None
        self.stream_calibration: Calibration | None = None
        self._load_lock = threading.Lock()
        self._loaded = False
        self._model_loaded = False

    @property
    def calibration_name(self) -> str:
        """Stem of this detector's calibration files (a variant may have its own)."""
        return self.name

    # -- to implement ---------------------------------------------------------------
    def _load_model(self) -> None:
        raise NotImplementedError

    def _score_batch(self, windows: Sequence[np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    def models(self) -> list[ModelRef]:
        raise NotImplementedError

    # -- shared ---------------------------------------------------------------------
    def load_model(self) -> None:
        """Load the model only (the calibrate command scores before any calibration exists)."""
        with self._load_lock:
            if not self._model_loaded:
                self._load_model()
                self._model_loaded = True

    def load(self) -> None:
        self.load_model()
        with self._load_lock:
            if self._loaded:
                return
            self.calibration = load_calibration(self.calibration_name)
            try:
                self.stream_calibration = load_calibration(self.calibration_name, stream=True)
            except ModelUnavailable:
                self.stream_calibration = None  # the streaming API then uses the file one
            self._loaded = True

    def score_windows(
        self, windows: Sequence[np.ndarray], progress: Progress | None = None
    ) -> np.ndarray:
        """Raw scores of speech windows, in batches, reporting progress."""
        if not self._model_loaded:
            self.load_model()
        scores: list[np.ndarray] = []
        for i in range(0, len(windows), self.batch_size):
            scores.append(np.asarray(self._score_batch(windows[i : i + self.batch_size])))
            if progress is not None:
                done = min(i + self.batch_size, len(windows))
                progress(done / len(windows), f"{self.name}: {done}/{len(windows)} windows")
        return np.concatenate(scores) if scores else np.zeros(0)

    def probabilities(self, raws: np.ndarray, stream: bool = False) -> list[float]:
        cal = (self.stream_calibration if stream else None) or self.calibration
        assert cal is not None
        return [cal.probability(float(r)) for r in raws]

    def analyse(
        self, prepared: analysis.PreparedAudio, progress: Progress | None = None
    ) -> DetectionResult:
        """Score an already decoded recording (the ensemble shares one across members)."""
        start = time.perf_counter()
        models = [*self.models(), analysis.vad_model()]
        if not prepared.has_speech:
            return analysis.no_speech_result(
                prepared, self.name, models, (time.perf_counter() - start) * 1000
            )
        raws = self.score_windows([w.samples for w in prepared.plan.windows], progress)
        assert self.calibration is not None
        raw = analysis.aggregate(raws)
        probability = self.calibration.probability(raw)
        evidence: dict[str, Any] = analysis.base_evidence(prepared)
        evidence["timeline"] = analysis.timeline(
            prepared.plan, self.probabilities(raws), [float(r) for r in raws]
        )
        evidence["windows_scored"] = len(raws)
        evidence["calibration"] = self.calibration.provenance.get("summary", "")
        return DetectionResult(
            modality="audio",
            detector=self.name,
            verdict=self.calibration.verdict(probability),
            probability_ai=probability,
            raw_score=raw,
            threshold=self.calibration.raw_threshold,
            models=models,
            elapsed_ms=(time.perf_counter() - start) * 1000,
            evidence=evidence,
            warnings=list(prepared.audio.warnings),
        )

    def detect(
        self,
        content: DetectorInput,
        *,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult:
        if not self._loaded:
            self.load()
        start = time.perf_counter()
        prepared = analysis.prepare(Path(content))
        if progress is not None:
            progress(0.05, "audio decoded, speech found")
        result = self.analyse(prepared, progress)
        result.elapsed_ms = (time.perf_counter() - start) * 1000
        return result
