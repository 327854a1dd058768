"""Test doubles for the live session's analyzers.

They stand in for the real detectors where a test is about scheduling, back-pressure,
limits or the socket protocol (timing and failure injection); the real detectors run in
tests/detection/live/test_real_analyzers.py and the browser tests.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

from detection.live.analyzers import LiveAnalyzers
from detection.live.records import WindowScore


class TimedFrameAnalyzer:
    """Takes ``delay`` seconds per frame; scores the frame's mean brightness (so a test can
    tell which frame was analysed) and records the frames it saw."""

    name = "test.frames"
    models: list[Any] = []

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.seen: list[float] = []
        self.lock = threading.Lock()
        self.busy = 0
        self.max_busy = 0

    def analyse_frame(self, rgb: np.ndarray) -> WindowScore:
        with self.lock:
            self.busy += 1
            self.max_busy = max(self.max_busy, self.busy)
        try:
            time.sleep(self.delay)
            value = float(rgb.mean()) / 255.0
            self.seen.append(value)
            return WindowScore(self.name, value, "ai" if value >= 0.5 else "human")
        finally:
            with self.lock:
                self.busy -= 1


class TimedAudioAnalyzer:
    name = "test.audio"
    models: list[Any] = []

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.windows: list[int] = []

    def analyse_window(self, samples: np.ndarray) -> WindowScore:
        time.sleep(self.delay)
        self.windows.append(len(samples))
        rms = float(np.sqrt(np.mean(np.square(samples)))) if samples.size else 0.0
        if rms < 1e-3:
            return WindowScore(self.name, None, None, note="no speech in this window")
        return WindowScore(self.name, min(rms * 4, 1.0), "ai" if rms * 4 >= 0.5 else "human")


class BrokenAnalyzer:
    name = "test.broken"
    models: list[Any] = []

    def analyse_frame(self, rgb: np.ndarray) -> WindowScore:
        raise RuntimeError("detector crashed")

    def analyse_window(self, samples: np.ndarray) -> WindowScore:
        raise RuntimeError("detector crashed")


def analyzers(video: Any = None, audio: Any = None) -> LiveAnalyzers:
    """A loaded set; a modality given as None is "not available" with a reason."""

    def missing(modality: str) -> Any:
        def factory() -> Any:
            from detection.engine.errors import ModelUnavailable

            raise ModelUnavailable(f"no {modality} detector in this test")

        return factory

    factories = {
        "video": (lambda: video) if video is not None else missing("video"),
        "audio": (lambda: audio) if audio is not None else missing("audio"),
    }
    set_ = LiveAnalyzers(factories)  # type: ignore[arg-type]
    set_.load()
    return set_


def grey_frame(level: int, size: tuple[int, int] = (48, 64)) -> np.ndarray:
    return np.full((*size, 3), level, dtype=np.uint8)
