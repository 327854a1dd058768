"""Cut the speech of a recording into analysis windows, keeping the original times.

Only speech is scored: the VAD segments are joined into one speech-only signal, which is
cut into fixed windows with overlap (a recording with less speech than one window gives
one shorter window). Each window remembers where its first and last samples were in the
original recording, so the timeline shows real times; the stretches between segments are
reported as "no speech".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .limits import SAMPLE_RATE

# Less speech than this in a whole recording (or a streaming window) is not scored.
MIN_SPEECH_SAMPLES = SAMPLE_RATE // 2


@dataclass(frozen=True)
class Window:
    start_s: float
    end_s: float
    samples: np.ndarray  # speech-only audio; may be shorter than the window size


@dataclass(frozen=True)
class SpeechPlan:
    windows: list[Window]
    gaps: list[tuple[float, float]]  # (start_s, end_s) stretches without speech
    speech_seconds: float
    total_seconds: float


def _gaps(segments: list[tuple[int, int]], total: int) -> list[tuple[float, float]]:
    gaps: list[tuple[float, float]] = []
    cursor = 0
    for start, end in segments:
        if start > cursor:
            gaps.append((cursor / SAMPLE_RATE, start / SAMPLE_RATE))
        cursor = max(cursor, end)
    if cursor < total:
        gaps.append((cursor / SAMPLE_RATE, total / SAMPLE_RATE))
    return gaps


def window_starts(length: int, size: int, hop: int) -> list[int]:
    """Starts of windows of ``size`` every ``hop`` covering ``length``; the last ends flush."""
    if length <= size:
        return [0]
    starts = list(range(0, length - size + 1, hop))
    if starts[-1] + size < length:
        starts.append(length - size)
    return starts


def plan_windows(
    samples: np.ndarray, segments: list[tuple[int, int]], size: int, hop: int
) -> SpeechPlan:
    total = len(samples)
    segments = [(max(0, s), min(total, e)) for s, e in segments if e > s]
    speech = (
        np.concatenate([samples[s:e] for s, e in segments])
        if segments
        else np.zeros(0, dtype=np.float32)
    )
    # offsets[i] = where segment i begins in the speech-only signal.
    lengths = np.array([e - s for s, e in segments], dtype=np.int64)
    offsets = np.concatenate([[0], np.cumsum(lengths)])[:-1] if segments else np.zeros(0)

    def original(i: int) -> int:
        k = int(np.searchsorted(offsets, i, side="right")) - 1
        return segments[k][0] + (i - int(offsets[k]))

    windows: list[Window] = []
    if len(speech) >= MIN_SPEECH_SAMPLES:
        for start in window_starts(len(speech), size, hop):
            end = min(start + size, len(speech))
            windows.append(
                Window(
                    start_s=original(start) / SAMPLE_RATE,
                    end_s=(original(end - 1) + 1) / SAMPLE_RATE,
                    samples=speech[start:end],
                )
            )
    return SpeechPlan(
        windows=windows,
        gaps=_gaps(segments, total),
        speech_seconds=len(speech) / SAMPLE_RATE,
        total_seconds=total / SAMPLE_RATE,
    )


def speech_only(samples: np.ndarray, segments: list[tuple[int, int]]) -> np.ndarray:
    """The samples inside the speech segments, joined."""
    if not segments:
        return samples[:0]
    return np.concatenate([samples[s:e] for s, e in segments])


def repeat_to(samples: np.ndarray, size: int) -> np.ndarray:
    """Tile a short window up to ``size`` samples (how AASIST was fed short utterances)."""
    if len(samples) >= size:
        return samples[:size]
    reps = size // max(len(samples), 1) + 1
    return np.tile(samples, reps)[:size]
