"""Sampled camera frames -> ``video.live_frame`` through the execution path.

The detector (``detection.engine.video.live_frame``) scores the whole frame and each
face with ``video.frames``'s models; ``execution.run`` adds the circuit breaker, metrics
and the memory manager, as for every other detector run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .records import WindowScore

DETECTOR = "video.live_frame"


def _check_available(name: str) -> None:
    from detection.engine import registry
    from detection.engine.errors import ModelUnavailable

    specs = registry.all_specs()
    if name not in specs:
        raise ModelUnavailable(f"the live detector {name!r} is not installed")
    reason = registry.probe(specs[name])
    if reason is not None:
        raise ModelUnavailable(reason)


class LiveFrameAnalyzer:
    name = DETECTOR

    def __init__(self) -> None:
        from detection.engine import registry

        _check_available(DETECTOR)
        detector: Any = registry.get_detector(DETECTOR)
        self.models = detector.models()  # loads video.frames now, on the loading thread
        self.name = f"{DETECTOR} ({registry.get_detector('video.frames').faces.backend} faces)"  # type: ignore[attr-defined]

    def analyse_frame(self, rgb: np.ndarray) -> WindowScore:
        from detection import execution

        result = execution.run(DETECTOR, rgb, where="live").result
        assert result is not None
        details = dict(result.evidence)
        note = str(details.pop("note", ""))
        return WindowScore(
            result.detector, result.probability_ai, result.verdict, note=note, details=details
        )


def build_frame_analyzer() -> LiveFrameAnalyzer:
    return LiveFrameAnalyzer()
