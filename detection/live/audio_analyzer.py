"""Voice windows -> the audio engine's streaming analyzer.

The session cuts the stream into 2 s windows itself (so it can drop whole windows when
analysis falls behind, see :mod:`.intake`); each window is scored on its own by
:class:`detection.engine.audio.streaming.StreamingAudioAnalyzer`: it gets the window as
one chunk (which completes exactly one 2 s window) and is flushed, which scores a shorter
tail window and resets its stream state. The analyzer keeps per-stream state, so each
analysis thread has its own instance; the models behind it are loaded once per process
by the engine registry.
"""

from __future__ import annotations

import threading
from typing import Any

import numpy as np

from .records import WindowScore

DETECTOR = "audio.ensemble"


class StreamingVoiceAnalyzer:
    name = "audio.streaming"

    def __init__(self) -> None:
        from detection.engine import registry
        from detection.engine.errors import ModelUnavailable

        specs = registry.all_specs()
        if DETECTOR not in specs:
            raise ModelUnavailable(f"the audio detector {DETECTOR!r} is not installed")
        reason = registry.probe(specs[DETECTOR])
        if reason is not None:
            raise ModelUnavailable(reason)
        self._local = threading.local()
        first = self._analyzer()  # loads the members now, on the loading thread
        self.models = self._model_refs(first)
        self.name = f"{DETECTOR} (2 s windows)"

    def _analyzer(self) -> Any:
        analyzer = getattr(self._local, "analyzer", None)
        if analyzer is None:
            from detection.engine.audio.streaming import StreamingAudioAnalyzer

            analyzer = StreamingAudioAnalyzer()
            self._local.analyzer = analyzer
        return analyzer

    @staticmethod
    def _model_refs(analyzer: Any) -> list[Any]:
        return list(analyzer.models())

    def analyse_window(self, samples: np.ndarray) -> WindowScore:
        analyzer = self._analyzer()
        try:
            results = analyzer.feed(np.ascontiguousarray(samples, dtype=np.float32))
            results += analyzer.flush()
        finally:
            analyzer.results.clear()  # the session keeps the results, not the analyzer
        if not results:
            return WindowScore(self.name, None, None, note="too short to analyse")
        window = results[0]
        details: dict[str, Any] = {
            "speech_s": window.speech_s,
            "members": window.members,
            "compute_ms": window.latency_ms,
        }
        if not window.speech or window.probability_ai is None:
            return WindowScore(
                self.name, None, None, note="no speech in this window", details=details
            )
        members = ", ".join(
            f"{name.removeprefix('audio.')} {p:.0%}" for name, p in window.members.items()
        )
        note = f"{window.speech_s:.1f} s of speech; {members}"
        return WindowScore(
            self.name, float(window.probability_ai), window.verdict, note=note, details=details
        )


def build_audio_analyzer() -> StreamingVoiceAnalyzer:
    return StreamingVoiceAnalyzer()
