"""The detectors a live session runs, loaded once per process on a thread.

Each modality has one analyzer built by a factory (see :mod:`.video_analyzer` and
:mod:`.audio_analyzer`). A factory that raises ``ModelUnavailable`` (or cannot import its
detector at all) leaves the modality "not available" with the reason, and the session
goes on with what is there.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from .records import AudioItem, FrameItem, LiveModality, WindowScore

logger = logging.getLogger(__name__)


class FrameAnalyzer(Protocol):
    name: str

    def analyse_frame(self, rgb: Any) -> WindowScore: ...


class AudioAnalyzer(Protocol):
    name: str

    def analyse_window(self, samples: Any) -> WindowScore: ...


Factory = Callable[[], Any]


def _default_factories() -> dict[LiveModality, Factory]:
    from .audio_analyzer import build_audio_analyzer
    from .video_analyzer import build_frame_analyzer

    return {"video": build_frame_analyzer, "audio": build_audio_analyzer}


class LiveAnalyzers:
    """Loads each modality's analyzer once; ``analyse`` runs on a worker thread."""

    def __init__(self, factories: Mapping[LiveModality, Factory] | None = None) -> None:
        self._factories = dict(factories) if factories is not None else None
        self._instances: dict[LiveModality, Any] = {}
        self._reasons: dict[LiveModality, str] = {}
        self._lock = threading.Lock()
        self._loaded = False

    @property
    def loaded(self) -> bool:
        return self._loaded

    def load(self) -> None:
        """Build every analyzer (slow: loads models). Call from a thread, never the loop."""
        from detection.engine.errors import EngineError

        with self._lock:
            if self._loaded:
                return
            factories = self._factories if self._factories is not None else _default_factories()
            for modality, factory in factories.items():
                try:
                    self._instances[modality] = factory()
                except (EngineError, ImportError) as exc:
                    self._reasons[modality] = f"not available: {exc}"
                    logger.info("live %s analysis not available: %s", modality, exc)
            self._loaded = True

    def unavailable(self) -> dict[LiveModality, str]:
        reasons = dict(self._reasons)
        for modality in ("video", "audio"):
            if modality not in self._instances and modality not in reasons:
                reasons[modality] = "not available: no detector configured"  # type: ignore[index]
        return reasons

    def names(self) -> dict[str, str]:
        return {m: getattr(a, "name", type(a).__name__) for m, a in self._instances.items()}

    def models(self) -> list[dict[str, str]]:
        out: list[dict[str, str]] = []
        for analyzer in self._instances.values():
            for ref in getattr(analyzer, "models", []):
                entry = {"id": ref.id, "revision": ref.revision}
                if entry not in out:
                    out.append(entry)
        return out

    def analyse(self, modality: LiveModality, item: FrameItem | AudioItem) -> WindowScore:
        analyzer = self._instances[modality]
        if isinstance(item, FrameItem):
            return analyzer.analyse_frame(item.decode())
        return analyzer.analyse_window(item.samples)


_shared: LiveAnalyzers | None = None
_shared_lock = threading.Lock()


def shared_analyzers() -> LiveAnalyzers:
    """The process-wide set (models stay loaded between sessions)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = LiveAnalyzers()
        return _shared


def set_shared_analyzers(analyzers: LiveAnalyzers | None) -> None:
    """Tests and the benchmark swap in their own set (or reset to the default)."""
    global _shared
    with _shared_lock:
        _shared = analyzers
