"""Live audio: score a stream of 16 kHz mono PCM chunks in 2 s windows.

Reading of "2 s windows with 0.5 s overlap": every window is 2 s long and shares its
last 0.5 s with the next one, so a window starts every 1.5 s (hop 24,000 samples) and
the first result arrives once 2 s of audio are in. :meth:`StreamingAudioAnalyzer.feed`
takes chunks of any size and returns the windows it completed; :meth:`flush` scores what
is left at the end (if at least 0.5 s of it is new) and resets the stream.

Each window gets its own voice activity check; a window with less than 0.5 s of speech
is reported as ``speech=False`` and not scored. Speech is scored by the audio detector's
live scorer (:meth:`LiveScorer.score_live`): the default voice detector reads the 2 s
with its own live head and a calibration fitted on 2 s windows of held-out generator
families (``calibration/voice.live.json``); ``audio.vote`` votes its members' 2 s
calibrations. Latency is the compute time of one window (``latency_ms``, with the
stages in ``timings``), measured by ``bench/audio_detect.py``. Scoring one window is a
plain function of its samples, so it can run wherever the window is sent.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol

import numpy as np

from ..errors import InputRejected
from ..result import ModelRef
from . import analysis
from .limits import SAMPLE_RATE
from .windows import MIN_SPEECH_SAMPLES, speech_only

STREAM_WINDOW = 2 * SAMPLE_RATE  # 2 s
STREAM_OVERLAP = SAMPLE_RATE // 2  # 0.5 s shared with the next window
STREAM_HOP = STREAM_WINDOW - STREAM_OVERLAP  # a window every 1.5 s

PcmFormat = Literal["s16le", "f32le"]


@dataclass
class WindowResult:
    index: int
    start_s: float
    end_s: float
    speech: bool
    speech_s: float
    verdict: str | None  # "ai" / "human" / "uncertain"; None without speech
    probability_ai: float | None
    members: dict[str, float] = field(default_factory=dict)
    latency_ms: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # ms per stage

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LiveScore:
    """One live window's calibrated score (members: their own probabilities, if any)."""

    probability_ai: float
    verdict: str
    members: dict[str, float] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


class LiveScorer(Protocol):
    """What an audio detector offers the live check: score one window's speech."""

    @property
    def live_cuts(self) -> tuple[float, float]: ...  # (ai_at, human_below)

    def score_live(self, speech: np.ndarray) -> LiveScore: ...

    def live_models(self) -> list[ModelRef]: ...


def _as_float(chunk: np.ndarray | bytes, pcm_format: PcmFormat) -> np.ndarray:
    if isinstance(chunk, bytes | bytearray | memoryview):
        dtype = np.int16 if pcm_format == "s16le" else np.float32
        width = np.dtype(dtype).itemsize
        if len(chunk) % width:
            raise InputRejected(
                f"PCM chunk of {len(chunk)} bytes is not whole {pcm_format} samples"
            )
        chunk = np.frombuffer(chunk, dtype=np.dtype(dtype).newbyteorder("<"))
    array = np.asarray(chunk)
    if array.ndim != 1:
        raise InputRejected("PCM chunks must be mono (one-dimensional)")
    if array.dtype == np.int16:
        return array.astype(np.float32) / 32768.0
    if array.dtype.kind == "f":
        out = array.astype(np.float32)
        if not np.isfinite(out).all():
            raise InputRejected("PCM chunk holds NaN or infinite samples")
        return np.clip(out, -1.0, 1.0)
    raise InputRejected(f"unsupported PCM sample type {array.dtype}; send int16 or float32")


class StreamingAudioAnalyzer:
    """Feed 16 kHz mono PCM; get one :class:`WindowResult` per 2 s window (1.5 s hop)."""

    def __init__(
        self,
        pcm_format: PcmFormat = "s16le",
        scorer: LiveScorer | None = None,
        detector: str = "audio.ensemble",
    ) -> None:
        if scorer is None:
            from ..registry import get_detector

            # The process-wide detector: every stream shares its loaded models.
            scorer = get_detector(detector)  # type: ignore[assignment]
        if not hasattr(scorer, "score_live"):
            raise InputRejected(f"{detector} cannot score live windows")
        self.scorer: LiveScorer = scorer  # type: ignore[assignment]
        self.pcm_format: PcmFormat = pcm_format
        self.results: list[WindowResult] = []
        self._reset_stream()

    def models(self) -> list[ModelRef]:
        return self.scorer.live_models()

    def _reset_stream(self) -> None:
        self._buffer = np.zeros(0, dtype=np.float32)
        self._buffer_start = 0  # absolute index of _buffer[0]
        self._next_start = 0  # absolute start of the next window
        self._received = 0
        self._index = 0

    def feed(self, chunk: np.ndarray | bytes) -> list[WindowResult]:
        samples = _as_float(chunk, self.pcm_format)
        self._buffer = np.concatenate([self._buffer, samples])
        self._received += len(samples)
        done: list[WindowResult] = []
        while self._received >= self._next_start + STREAM_WINDOW:
            done.append(self._score_at(self._next_start, STREAM_WINDOW))
            self._next_start += STREAM_HOP
            self._drop_before(self._next_start)
        return done

    def flush(self) -> list[WindowResult]:
        """Score the unfinished tail (when >= 0.5 s of it is new audio), then reset."""
        done: list[WindowResult] = []
        covered = self._next_start - STREAM_HOP + STREAM_WINDOW if self._index else 0
        if self._received - covered >= MIN_SPEECH_SAMPLES:
            done.append(self._score_at(self._next_start, self._received - self._next_start))
        self._reset_stream()
        return done

    def summary(self) -> dict[str, Any]:
        """Over every window so far: mean probability of the speech windows and a verdict."""
        speech = [r for r in self.results if r.speech and r.probability_ai is not None]
        if not speech:
            return {
                "windows": len(self.results),
                "speech_windows": 0,
                "verdict": "uncertain",
                "probability_ai": None,
                "reason": analysis.NO_SPEECH_REASON,
            }
        p = float(np.mean([r.probability_ai for r in speech]))
        ai_at, human_below = self.scorer.live_cuts
        verdict = "ai" if p >= ai_at else ("human" if p < human_below else "uncertain")
        return {
            "windows": len(self.results),
            "speech_windows": len(speech),
            "verdict": verdict,
            "probability_ai": round(p, 4),
        }

    def _drop_before(self, absolute: int) -> None:
        cut = absolute - self._buffer_start
        if cut > 0:
            self._buffer = self._buffer[cut:]
            self._buffer_start = absolute

    def _score_at(self, start: int, length: int) -> WindowResult:
        t0 = time.perf_counter()
        offset = start - self._buffer_start
        window = self._buffer[offset : offset + length]
        segments = analysis.speech_finder().segments(window)
        speech = speech_only(window, segments)
        result = WindowResult(
            index=self._index,
            start_s=round(start / SAMPLE_RATE, 3),
            end_s=round((start + len(window)) / SAMPLE_RATE, 3),
            speech=len(speech) >= MIN_SPEECH_SAMPLES,
            speech_s=round(len(speech) / SAMPLE_RATE, 3),
            verdict=None,
            probability_ai=None,
        )
        vad_ms = (time.perf_counter() - t0) * 1000
        if result.speech:
            score = self.scorer.score_live(speech)
            result.verdict = score.verdict
            result.probability_ai = round(score.probability_ai, 4)
            result.members = score.members
            result.timings = {"vad": round(vad_ms, 1), **score.timings}
        self._index += 1
        result.latency_ms = round((time.perf_counter() - t0) * 1000, 1)
        self.results.append(result)
        return result
