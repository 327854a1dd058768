"""Voice windows -> ``audio.live_window`` through the execution path.

The session cuts the stream into 2 s windows itself (so it can drop whole windows when
analysis falls behind, see :mod:`.intake`); each window is scored on its own by the
engine's ``audio.live_window`` (no state from one window to the next), through
``execution.run`` like every other detector run.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .records import WindowScore
from .video_analyzer import _check_available

DETECTOR = "audio.live_window"


class StreamingVoiceAnalyzer:
    name = DETECTOR

    def __init__(self) -> None:
        from detection.engine import registry

        _check_available(DETECTOR)
        detector: Any = registry.get_detector(DETECTOR)
        self.models = detector.models()  # loads audio.ensemble now, on the loading thread
        self.name = "audio.ensemble (2 s windows)"

    def analyse_window(self, samples: np.ndarray) -> WindowScore:
        from detection import execution
        from detection.engine.errors import NothingToScore

        try:
            result = execution.run(DETECTOR, samples, where="live").result
        except NothingToScore as exc:
            return WindowScore(self.name, None, None, note=str(exc))
        assert result is not None
        details = dict(result.evidence)
        note = str(details.pop("note", ""))
        return WindowScore(
            result.detector, result.probability_ai, result.verdict, note=note, details=details
        )


def build_audio_analyzer() -> StreamingVoiceAnalyzer:
    return StreamingVoiceAnalyzer()
