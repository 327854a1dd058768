"""The detectors a live session runs.

Embedded: :class:`LiveAnalyzers` holds each modality's analyzer, built by a factory (see
:mod:`.video_analyzer` and :mod:`.audio_analyzer`) and loaded once per process on a
thread. A factory that raises ``ModelUnavailable`` (or cannot import its detector at all)
leaves the modality "not available" with the reason, and the session goes on with what is
there. Workers of the window queue hold the same set.

With the Celery executor the web process holds :class:`WorkerAnalyzers` instead: the same
interface, but each frame or voice window is sent to a worker (``execution.remote``) and
availability comes from the detectors' torch-free probes. The session cannot tell them
apart.
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

    async def prepare(self) -> None:
        """Called on the event loop before ``load`` (nothing to do in this process)."""

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


# The engine detector behind each modality's analyzer (their probes say if it is there).
DETECTORS: dict[LiveModality, str] = {"video": "video.live_frame", "audio": "audio.live_window"}


class WorkerAnalyzers(LiveAnalyzers):
    """Frames and voice windows scored on the workers; nothing is loaded here."""

    def __init__(self) -> None:
        super().__init__(factories={})
        self._models: list[dict[str, str]] = []
        self._names: dict[str, str] = {}

    async def prepare(self) -> None:
        from detection.execution import remote

        await remote.inbox().open()  # replies come back to this event loop

    def load(self) -> None:
        """Which modalities the workers can analyse, from the detectors' probes (cheap,
        torch-free); the workers load the models themselves (warm from their start)."""
        from detection.engine import registry

        with self._lock:
            specs = registry.all_specs()
            for modality, name in DETECTORS.items():
                if name not in specs:
                    self._reasons[modality] = f"not available: {name} is not installed"
                    continue
                reason = registry.probe(specs[name])
                if reason is not None:
                    self._reasons[modality] = f"not available: {reason}"
            self._loaded = True

    def unavailable(self) -> dict[LiveModality, str]:
        return dict(self._reasons)

    def names(self) -> dict[str, str]:
        return dict(self._names)

    def models(self) -> list[dict[str, str]]:
        return list(self._models)

    def analyse(self, modality: LiveModality, item: FrameItem | AudioItem) -> WindowScore:
        from django.conf import settings

        from detection.execution import remote

        from .codec import encode_audio, encode_bytes, encode_jpeg

        if isinstance(item, FrameItem):
            jpeg = item.jpeg
            if jpeg is None:
                jpeg = encode_jpeg(item.decode())  # a WebRTC frame: decoded here, sent as JPEG
            payload = encode_bytes(jpeg)
        else:
            payload = encode_audio(item.samples)
        reply = remote.score_blocking(
            modality, payload, expires_s=settings.DETECTION_LIVE_WINDOW_EXPIRY_S
        )
        score = dict(reply["score"])
        # The worker's own time for the window: the rest of the wait was the queue's.
        score["details"] = {**score.get("details", {}), "worker_ms": reply.get("compute_ms")}
        with self._lock:
            for model in score.pop("models", []):
                if model not in self._models:
                    self._models.append(model)
            self._names[modality] = str(score.get("detector", ""))
        return WindowScore(**score)


_shared: LiveAnalyzers | None = None
_shared_lock = threading.Lock()


def shared_analyzers() -> LiveAnalyzers:
    """The process-wide set (models stay loaded between sessions)."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = LiveAnalyzers()
        return _shared


def session_analyzers() -> LiveAnalyzers:
    """What a live session of the web process uses: the workers with the Celery executor
    (a fresh set per session: it collects the models its windows' replies name), the
    process-wide local set otherwise (and whatever a test swapped in)."""
    from detection.execution import remote

    if _shared is None and remote.workers_score_windows():
        return WorkerAnalyzers()
    return shared_analyzers()


def set_shared_analyzers(analyzers: LiveAnalyzers | None) -> None:
    """Tests and the benchmark swap in their own set (or reset to the default)."""
    global _shared
    with _shared_lock:
        _shared = analyzers
