"""Storing a finished job's result through database blips without losing it.

The save is retried in place (``DETECTION_SAVE_RETRIES`` times, back-off doubling from
``DETECTION_SAVE_RETRY_BASE_S`` up to 8 s). If the database stays away longer, the result
is parked in the cache (Redis in production; it is usually the database that is down)
and the error goes up, so the task retries as an infrastructure error; the retry finds
the parked result and stores it without running the detector again.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import InterfaceError, OperationalError, connection

from .models import Detection

logger = logging.getLogger(__name__)
RESULT_FIELDS = (
    "verdict",
    "probability_ai",
    "detector",
    "results",
    "evidence",
    "models_used",
    "warnings",
    "timings",
)
PARK_TTL_S = 6 * 3600


def _park_key(detection: Detection) -> str:
    return f"detection-result:{detection.pk}"


def save_keeping_result(detection: Detection) -> None:
    tries = max(int(settings.DETECTION_SAVE_RETRIES), 0)
    for attempt in range(tries + 1):
        try:
            detection.save()
            break
        except (OperationalError, InterfaceError):
            if attempt == tries:
                _park(detection)
                raise
            delay = min(float(settings.DETECTION_SAVE_RETRY_BASE_S) * 2**attempt, 8.0)
            logger.warning("result not saved (database unavailable); retrying in %.1f s", delay)
            if not connection.in_atomic_block:
                connection.close_if_unusable_or_obsolete()  # a broken one is not reused
            time.sleep(delay)
    try:
        cache.delete(_park_key(detection))
    except Exception:  # the cache (Redis) may be the thing that is down: the row is saved
        logger.debug("could not clear a parked result", exc_info=True)


def _park(detection: Detection) -> None:
    try:
        cache.set(
            _park_key(detection), {f: getattr(detection, f) for f in RESULT_FIELDS}, PARK_TTL_S
        )
        logger.warning("result kept aside until the database is back")
    except Exception:
        logger.warning("result could not be kept aside: it will be computed again", exc_info=True)


def unpark(detection: Detection) -> bool:
    """Fill ``detection`` with a result an earlier execution could not store, if any."""
    try:
        parked: dict[str, Any] | None = cache.get(_park_key(detection))
    except Exception:
        return False
    if not parked:
        return False
    for name, value in parked.items():
        setattr(detection, name, value)
    logger.info("storing the result an earlier try computed")
    return True
