"""Speech windows of labelled clips, and a disk cache of what was computed from them.

Used by ``train_audio_head`` and ``calibrate_audio`` so both cut clips exactly as the
detectors do: ~4 s speech windows (50 % overlap) for files, and the live check's 2 s
windows (1.5 s hop, each with its own voice activity check) for streaming. Features and
raw scores are cached per clip sha256 under ``weights.cache_dir()/audio-corpus`` so a
re-run after a change elsewhere takes seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...weights import cache_dir
from .. import analysis
from ..streaming import STREAM_HOP, STREAM_WINDOW
from ..windows import MIN_SPEECH_SAMPLES, speech_only, window_starts


@dataclass
class ClipWindows:
    file: list[np.ndarray]  # speech windows as the file detectors score them
    stream: list[np.ndarray]  # speech of the 2 s live windows that hold enough speech


def stream_windows(samples: np.ndarray, limit: int | None = None) -> list[np.ndarray]:
    """The live check's windows over a recording, keeping those with speech.

    ``limit`` keeps at most that many, evenly spread (AASIST scoring is the slow part).
    """
    starts = window_starts(len(samples), STREAM_WINDOW, STREAM_HOP)
    if limit is not None and len(starts) > limit:
        starts = [starts[int(i)] for i in np.linspace(0, len(starts) - 1, limit)]
    found: list[np.ndarray] = []
    finder = analysis.speech_finder()
    for start in starts:
        window = samples[start : start + STREAM_WINDOW]
        speech = speech_only(window, finder.segments(window))
        if len(speech) >= MIN_SPEECH_SAMPLES:
            found.append(speech)
    return found


def clip_windows(path: Path, stream_limit: int | None = None) -> ClipWindows:
    prepared = analysis.prepare(path)
    return ClipWindows(
        file=[w.samples for w in prepared.plan.windows],
        stream=stream_windows(prepared.audio.samples, stream_limit),
    )


class Cache:
    """Arrays per (what, clip sha256) in an .npz file each."""

    def __init__(self, what: str, root: Path | None = None) -> None:
        self.dir = (root or cache_dir() / "audio-corpus") / what
        self.dir.mkdir(parents=True, exist_ok=True)

    def get(
        self, sha256: str, compute: Callable[[], dict[str, np.ndarray]]
    ) -> dict[str, np.ndarray]:
        path = self.dir / f"{sha256}.npz"
        if path.is_file():
            with np.load(path) as data:
                return {k: data[k] for k in data.files}
        arrays = compute()
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, **arrays)  # type: ignore[arg-type]
        tmp.replace(path)
        return arrays
