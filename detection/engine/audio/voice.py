"""The default voice detector: heads on Whisper-encoder, spectral and anti-spoofing features,
fused by weights learned on held-out generator families.

Every member reads the same speech (Silero VAD, speech joined, cut into 4 s windows, each
window loudness-normalised as in training):

- ``whisper``: a linear head on Whisper-base encoder mean/std, every window;
- ``spectral``: a linear head on MFCC / LFCC / spectral-contrast statistics, every window;
- ``families``: a multinomial head over real speech and each training family on both
  feature sets (its score: log-odds of "not real"), every window;
- anti-spoofing networks (RawGAT-ST, AASIST, AASIST-L), when the shipped fusion uses
  them: a linear head on the vector before each network's last layer, on at most
  ``DETECTION_AUDIO_CNN_WINDOWS`` windows spread over the recording (~1-3 s a window on
  a CPU).

The fused raw score is ``fusion.coef . member scores + intercept`` (weights from
``heads/voice_fusion.json``, learned on out-of-family member scores); ``calibration/
voice.json`` maps it to P(AI) and the verdict. The timeline's windows use the same fusion
per window (window head logits, the CNN members at their recording score) mapped by
``calibration/voice.window.json``, fitted on 4 s windows of held-out families, so a window's
``probability_ai`` is on the verdict's scale. ``evidence.source_tracing`` names the known
generator family the voice most resembles, with a calibrated confidence.

Live 2 s windows are scored by :meth:`VoiceEnsemble.score_live` with their own head and
calibration (``heads/voice_live.json``, ``calibration/voice.live.json``).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import settings
from ..base import DetectorInput, Progress
from ..calibration import Calibration
from ..errors import ModelUnavailable
from ..result import DetectionResult, Modality, ModelRef
from . import analysis
from .head import LinearHead
from .streaming import LiveScore
from .tracing import TracingHead
from .voice_members import (
    CNN_MEMBERS,
    FAMILY_FEATURE,
    CnnMember,
    FamilyHead,
    FeatureBank,
    normalise_window,
)

HERE = Path(__file__).resolve().parent
HEADS = HERE / "heads"
CALIBRATION = HERE / "calibration"
FILE_WINDOW = analysis.FILE_WINDOW
FILE_HOP = analysis.FILE_WINDOW  # no overlap: the heads read each window on its own


@dataclass(frozen=True)
class Fusion:
    members: tuple[str, ...]
    coef: np.ndarray
    intercept: float
    provenance: dict[str, Any]

    @classmethod
    def load(cls, path: Path = HEADS / "voice_fusion.json") -> Fusion:
        if not path.is_file():
            raise ModelUnavailable(
                f"voice fusion missing: expected {path}; write it with `manage.py train_audio_pool`"
            )
        data = json.loads(path.read_text())
        return cls(
            tuple(data["members"]),
            np.asarray(data["coef"], dtype=np.float64),
            float(data["intercept"]),
            data.get("provenance", {}),
        )

    def raw(self, scores: Mapping[str, float | np.ndarray]) -> Any:
        total: Any = self.intercept
        for name, c in zip(self.members, self.coef, strict=True):
            total = total + c * scores[name]
        return total


def _calibration(name: str) -> Calibration:
    path = CALIBRATION / name
    if not path.is_file():
        raise ModelUnavailable(
            f"calibration file missing: expected {path}; write it with `manage.py train_audio_pool`"
        )
    return Calibration.load(path)


class VoiceEnsemble:
    name = "audio.ensemble"
    modality: Modality = "audio"

    def __init__(self) -> None:
        self.fusion: Fusion | None = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self.fusion is not None:
                return
            fusion = Fusion.load()
            self.heads: dict[str, LinearHead | FamilyHead] = {
                m: (FamilyHead if m == "families" else LinearHead).load(HEADS / f"voice_{m}.json")
                for m in fusion.members
                if m not in CNN_MEMBERS
            }
            self.cnns = {
                m: CnnMember(m, HEADS / f"voice_{m}.json")
                for m in fusion.members
                if m in CNN_MEMBERS
            }
            self.live_head = LinearHead.load(HEADS / "voice_live.json")
            self.tracing = TracingHead.load(HEADS / "voice_tracing.json")
            self.calibration = _calibration("voice.json")
            self.window_calibration = _calibration("voice.window.json")
            self.live_calibration = _calibration("voice.live.json")
            self.member_calibrations = {m: _calibration(f"voice_{m}.json") for m in fusion.members}
            self.features = FeatureBank()
            for cnn in self.cnns.values():
                cnn.load()
            self.fusion = fusion

    @property
    def live_cuts(self) -> tuple[float, float]:
        return self.live_calibration.ai_at, self.live_calibration.human_below

    def models(self) -> list[ModelRef]:
        refs = [
            ModelRef(id=self.features.whisper_model_id, revision=self.features.whisper_revision)
        ]
        refs += [cnn.model_ref() for cnn in self.cnns.values()]
        return [*refs, analysis.vad_model()]

    # -- live ----------------------------------------------------------------------
    def live_models(self) -> list[ModelRef]:
        if self.fusion is None:
            self.load()
        refs = [
            ModelRef(id=self.features.whisper_model_id, revision=self.features.whisper_revision)
        ]
        return [*refs, analysis.vad_model()]

    def score_live(self, speech: np.ndarray) -> LiveScore:
        """One 2 s live window's speech (VAD-joined, 16 kHz) -> calibrated score."""
        if self.fusion is None:
            self.load()
        window = normalise_window(speech)
        t0 = time.perf_counter()
        whisper = self.features.whisper(window)
        t1 = time.perf_counter()
        spectral = self.features.spectral(window)
        t2 = time.perf_counter()
        raw = float(self.live_head.logit(np.concatenate([whisper, spectral])[None])[0])
        p = self.live_calibration.probability(raw)
        t3 = time.perf_counter()
        timings = {
            "whisper": round((t1 - t0) * 1000, 1),
            "spectral": round((t2 - t1) * 1000, 1),
            "head+calibration": round((t3 - t2) * 1000, 1),
        }
        return LiveScore(p, self.live_calibration.verdict(p), {"live head": round(p, 4)}, timings)

    # -- files ---------------------------------------------------------------------
    def analyse(
        self, prepared: analysis.PreparedAudio, progress: Progress | None = None
    ) -> DetectionResult:
        assert self.fusion is not None
        start = time.perf_counter()
        if not prepared.has_speech:
            return analysis.no_speech_result(prepared, self.name, self.models(), 0.0)
        windows = [normalise_window(w.samples) for w in prepared.plan.windows]
        n = len(windows)
        steps = n + len(self.cnns)
        timings: dict[str, float] = {}
        window_feats: dict[str, list[np.ndarray]] = {"file_whisper": [], "file_spectral": []}
        # Whisper reads the windows in batches (same-length windows share an encoder call);
        # progress is reported per batch of windows.
        batch = 4
        for i in range(0, n, batch):
            chunk = windows[i : i + batch]
            t = time.perf_counter()
            window_feats["file_whisper"] += self.features.whisper_many(chunk)
            timings["whisper"] = timings.get("whisper", 0.0) + time.perf_counter() - t
            t = time.perf_counter()
            window_feats["file_spectral"] += [self.features.spectral(w) for w in chunk]
            timings["spectral"] = timings.get("spectral", 0.0) + time.perf_counter() - t
            if progress is not None:
                done = min(i + batch, n)
                progress(0.05 + 0.9 * done / steps, f"audio windows done {done}/{n}")
        window_logits: dict[str, np.ndarray] = {}
        scores: dict[str, float] = {}
        matrices = {k: np.stack(v) for k, v in window_feats.items()}
        matrices[FAMILY_FEATURE] = np.concatenate(
            [matrices["file_whisper"], matrices["file_spectral"]], axis=1
        )
        for name, head in self.heads.items():
            window_logits[name] = head.logit(matrices[head.feature])
            scores[name] = float(np.mean(window_logits[name]))
        budget = settings.current().audio.cnn_windows
        picks = np.unique(np.linspace(0, n - 1, min(budget, n)).round().astype(int))
        for k, (name, cnn) in enumerate(self.cnns.items()):
            t = time.perf_counter()
            scores[name] = float(np.mean([cnn.score(windows[i]) for i in picks]))
            timings[name] = time.perf_counter() - t
            if progress is not None:
                progress(0.05 + 0.9 * (n + k + 1) / steps, f"{name} scored")
        raw = float(self.fusion.raw(scores))
        probability = self.calibration.probability(raw)
        per_window = self.fusion.raw({**scores, **window_logits})
        window_p = [
            self.window_calibration.probability(float(r)) for r in np.atleast_1d(per_window)
        ]
        evidence: dict[str, Any] = analysis.base_evidence(prepared)
        evidence["timeline"] = analysis.timeline(prepared.plan, window_p)
        evidence["windows_scored"] = n
        evidence["calibration"] = self.calibration.provenance.get("summary", "")
        evidence["fusion"] = {
            "members": list(self.fusion.members),
            "weights": [round(float(c), 4) for c in self.fusion.coef],
            "cnn_windows": [int(i) for i in picks] if self.cnns else [],
        }
        evidence["member_seconds"] = {k: round(v, 4) for k, v in timings.items()}
        tracing_x = np.concatenate(
            [
                np.mean(window_feats["file_whisper"], axis=0),
                np.mean(window_feats["file_spectral"], axis=0),
            ]
        )
        evidence["source_tracing"] = {
            **self.tracing.trace(tracing_x),
            "held_out_accuracy": self.tracing.provenance.get("held_out", {}).get(
                "top1_accuracy_out_of_fold"
            ),
        }
        members = []
        for name in self.fusion.members:
            cal = self.member_calibrations[name]
            p = cal.probability(scores[name])
            members.append(
                DetectionResult(
                    modality="audio",
                    detector=f"audio.voice.{name}",
                    verdict=cal.verdict(p),
                    probability_ai=p,
                    raw_score=scores[name],
                    threshold=cal.raw_threshold,
                )
            )
        return DetectionResult(
            modality="audio",
            detector=self.name,
            verdict=self.calibration.verdict(probability),
            probability_ai=probability,
            raw_score=raw,
            threshold=self.calibration.raw_threshold,
            models=self.models(),
            elapsed_ms=(time.perf_counter() - start) * 1000,
            evidence=evidence,
            members=members,
            warnings=list(prepared.audio.warnings),
        )

    def detect(
        self,
        content: DetectorInput,
        *,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult:
        if self.fusion is None:
            self.load()
        start = time.perf_counter()
        prepared = analysis.prepare(Path(content), FILE_WINDOW, FILE_HOP)
        if progress is not None:
            progress(0.05, "audio decoded, speech found")
        result = self.analyse(prepared, progress)
        result.elapsed_ms = (time.perf_counter() - start) * 1000
        return result
