"""Windows: short pieces of a stream, scored where the models are.

A text-stream window, a sampled camera frame or a voice window is scored through the same
``execution.run`` as a job. In embedded mode that happens on threads of the web process;
with the Celery executor the web process sends the window to a worker over the ``live``
queue (:mod:`.remote`) and this module's :func:`score_payload` runs there. A window
carries a deadline: one that cannot be scored in time is dropped and counted.
"""

from __future__ import annotations

import base64
import logging
import time
from dataclasses import asdict
from typing import Any, Literal

from detection import metrics

from .errors import WindowDropped

__all__ = ["KINDS", "WindowDropped", "WindowKind", "score_payload", "score_text"]

logger = logging.getLogger(__name__)

WindowKind = Literal["text", "video", "audio"]
KINDS: tuple[WindowKind, ...] = ("text", "video", "audio")


def score_text(text: str, *, deadline: float | None = None) -> dict[str, Any]:
    """The text modality's default detector on one window, as a DetectionResult dict."""
    from detection.engine import registry

    from . import run

    done = run(registry.default_spec("text"), text, deadline=deadline, where="stream")
    assert done.result is not None  # no row, so never a reused result
    return done.result.to_dict()


def score_payload(kind: str, payload: str, *, deadline_wall: float) -> dict[str, Any]:
    """On a worker: decode the window, score it, and say how it went (a reply message).

    ``deadline_wall`` is a ``time.time()`` instant (clocks of web and worker machines
    agree to well under the expiry); a window already past it is dropped unscored.
    """
    from detection.engine.errors import EngineError, InputRejected

    left = deadline_wall - time.time()
    if left <= 0:
        metrics.WINDOWS.labels(kind=kind, outcome="expired").inc()
        return {"dropped": "stale"}
    deadline = time.monotonic() + left
    started = time.perf_counter()
    try:
        if kind == "text":
            reply: dict[str, Any] = {"result": score_text(payload, deadline=deadline)}
        elif kind in ("video", "audio"):
            reply = {"score": _score_live(kind, payload)}
        else:
            return {"error": f"unknown window kind {kind!r}", "rejected": True}
    except TimeoutError:
        metrics.WINDOWS.labels(kind=kind, outcome="expired").inc()
        return {"dropped": "stale"}
    except InputRejected as exc:
        metrics.WINDOWS.labels(kind=kind, outcome="rejected").inc()
        return {"error": str(exc), "rejected": True}
    except EngineError as exc:
        metrics.WINDOWS.labels(kind=kind, outcome="failed").inc()
        return {"error": str(exc), "rejected": False}
    except Exception as exc:  # a crash of the detector: the session decides what to do
        logger.exception("%s window crashed on the worker", kind)
        metrics.WINDOWS.labels(kind=kind, outcome="failed").inc()
        return {"error": f"{type(exc).__name__}: {exc}", "rejected": False}
    metrics.WINDOWS.labels(kind=kind, outcome="scored").inc()
    reply["compute_ms"] = round((time.perf_counter() - started) * 1000, 1)
    return reply


def _score_live(kind: str, payload: str) -> dict[str, Any]:
    from detection.live.analyzers import shared_analyzers
    from detection.live.codec import decode_audio, decode_jpeg
    from detection.live.records import AudioItem, FrameItem

    analyzers = shared_analyzers()
    analyzers.load()  # once per process (warm on workers that consume the live queue)
    reasons = analyzers.unavailable()
    if kind in reasons:
        from detection.engine.errors import ModelUnavailable

        raise ModelUnavailable(reasons[kind])  # type: ignore[index]
    now = time.monotonic()
    if kind == "video":
        jpeg = base64.b64decode(payload)
        score = analyzers.analyse("video", FrameItem(0, 0.0, now, lambda: decode_jpeg(jpeg)))
    else:
        score = analyzers.analyse("audio", AudioItem(0, 0.0, 0.0, now, decode_audio(payload)))
    out = asdict(score)
    out["models"] = analyzers.models()
    return out
