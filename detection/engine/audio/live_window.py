"""``audio.live_window``: one voice window (16 kHz mono float samples, about 2 s) scored on
its own by the voice detector's live head.

The window is given to a fresh :class:`~.streaming.StreamingAudioAnalyzer` as one chunk
(which completes exactly one 2 s window) and flushed (a shorter window is scored as a
tail), so no state is carried from one window to the next and any thread may call it.
The models are ``audio.ensemble``'s own, from the registry. A window without speech
raises ``NothingToScore``: silence and noise are never scored as AI or human.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..base import Progress
from ..errors import NothingToScore
from ..result import DetectionResult, ModelRef

PARENT = "audio.ensemble"


class LiveVoiceDetector:
    name = "audio.live_window"
    modality = "audio"

    def load(self) -> None:
        """Nothing of its own: the parent detector is loaded (once) at the first window."""

    def _analyzer(self) -> Any:
        from .. import registry
        from .streaming import StreamingAudioAnalyzer

        return StreamingAudioAnalyzer(scorer=registry.get_detector(PARENT), detector=PARENT)  # type: ignore[arg-type]

    def models(self) -> list[ModelRef]:
        return list(self._analyzer().models())

    def detect(
        self,
        content: Any,
        *,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult:
        analyzer = self._analyzer()
        results = analyzer.feed(np.ascontiguousarray(content, dtype=np.float32))
        results += analyzer.flush()
        if not results:
            raise NothingToScore("too short to analyse")
        window = results[0]
        evidence: dict[str, Any] = {
            "speech_s": window.speech_s,
            "members": window.members,
            "compute_ms": window.latency_ms,
        }
        if not window.speech or window.probability_ai is None or window.verdict is None:
            raise NothingToScore("no speech in this window")
        members = ", ".join(
            f"{name.removeprefix('audio.')} {p:.0%}" for name, p in window.members.items()
        )
        evidence["note"] = f"{window.speech_s:.1f} s of speech; {members}"
        return DetectionResult(
            modality="audio",
            detector=f"{PARENT} (2 s windows)",
            verdict=window.verdict,  # type: ignore[arg-type]
            probability_ai=float(window.probability_ai),
            models=list(analyzer.models()),
            evidence=evidence,
        )
