"""Load the models windows need before the first window arrives (workers of the window
queue call this when they start; a benchmark or an embedded server may too)."""

from __future__ import annotations

import logging
import time

logger = logging.getLogger(__name__)


def warm_up_windows() -> dict[str, float]:
    """Load the live analyzers and the text default; returns seconds per part. A part
    whose models are missing is logged and skipped: its windows then fail with why."""
    from detection.engine import registry
    from detection.engine.errors import EngineError
    from detection.live.analyzers import shared_analyzers

    took: dict[str, float] = {}
    started = time.perf_counter()
    shared_analyzers().load()
    took["live"] = time.perf_counter() - started
    started = time.perf_counter()
    try:
        registry.get_detector(registry.default_spec("text").name)
    except EngineError as exc:
        logger.warning("text windows not warmed up: %s", exc)
    took["text"] = time.perf_counter() - started
    logger.info("window models warm: %s", {k: round(v, 1) for k, v in took.items()})
    return took
