"""A circuit breaker per detector, shared by every worker through Django's cache.

After ``DETECTION_CIRCUIT_FAILURES`` consecutive failures of a detector (crashes, or a
model that cannot load), its circuit opens for ``DETECTION_CIRCUIT_RESET_S`` seconds:
jobs for it fail at once with the reason instead of each spending a worker slot and
its retries on the same fault, and /ready and /metrics report it. When the time is up
the next job is let through (half-open): success closes the circuit, another failure
opens it again. Bad input is not a detector failure and never counts.

State lives in the cache (Redis in production, so all workers and the web agree; local
memory in embedded mode, where jobs run inside the web process). If the cache is
unreachable the breaker stays out of the way: it never fails a job on its own account.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from prometheus_client.core import GaugeMetricFamily

from detection import metrics

logger = logging.getLogger(__name__)
KEY = "circuit:{}"


@dataclass
class CircuitOpen(Exception):
    detector: str
    failures: int
    retry_after_s: int
    reason: str

    def __str__(self) -> str:
        return (
            f"the {self.detector} detector is paused after {self.failures} failures in a row "
            f"(last: {self.reason}); try again in {self.retry_after_s} s"
        )


def _read(detector: str) -> dict[str, Any] | None:
    try:
        value = cache.get(KEY.format(detector))
    except Exception as exc:
        logger.warning("circuit state unreadable for %s: %s", detector, type(exc).__name__)
        return None
    return value if isinstance(value, dict) else None


def _write(detector: str, state: dict[str, Any] | None) -> None:
    try:
        if state is None:
            cache.delete(KEY.format(detector))
        else:
            # Kept a while past the open period, so half-open still remembers the count.
            cache.set(KEY.format(detector), state, timeout=settings.DETECTION_CIRCUIT_RESET_S * 10)
    except Exception as exc:
        logger.warning("circuit state not saved for %s: %s", detector, type(exc).__name__)


def check(detector: str) -> None:
    """Raise CircuitOpen while the detector's circuit is open."""
    state = _read(detector)
    if not state or state["failures"] < settings.DETECTION_CIRCUIT_FAILURES:
        return
    remaining = state["open_until"] - time.time()
    if remaining > 0:
        raise CircuitOpen(detector, state["failures"], int(remaining) + 1, state["reason"])


def record_failure(detector: str, reason: str) -> None:
    state = _read(detector) or {"failures": 0, "open_until": 0.0, "reason": ""}
    state["failures"] += 1
    state["reason"] = reason[:300]
    if state["failures"] >= settings.DETECTION_CIRCUIT_FAILURES:
        state["open_until"] = time.time() + settings.DETECTION_CIRCUIT_RESET_S
        logger.error(
            "circuit opened for detector %s after %d failures: %s",
            detector,
            state["failures"],
            reason,
        )
    _write(detector, state)


def record_success(detector: str) -> None:
    state = _read(detector)
    if state:
        if state["failures"] >= settings.DETECTION_CIRCUIT_FAILURES:
            logger.info("circuit closed for detector %s", detector)
        _write(detector, None)


def states() -> dict[str, dict[str, Any]]:
    """Every known detector's breaker: open or not, failures, reason, seconds left."""
    from detection.engine import registry

    out: dict[str, dict[str, Any]] = {}
    now = time.time()
    for name in sorted(registry.all_specs()):
        state = _read(name) or {"failures": 0, "open_until": 0.0, "reason": ""}
        is_open = (
            state["failures"] >= settings.DETECTION_CIRCUIT_FAILURES and state["open_until"] > now
        )
        out[name] = {
            "open": is_open,
            "failures": state["failures"],
            "reason": state["reason"],
            "retry_after_s": int(state["open_until"] - now) + 1 if is_open else 0,
        }
    return out


def _open_circuits() -> Iterator[GaugeMetricFamily]:
    family = GaugeMetricFamily(
        "aidetect_circuit_open",
        "1 while a detector's circuit breaker is open",
        labels=["detector"],
    )
    for name, state in states().items():
        family.add_metric([name], 1.0 if state["open"] else 0.0)
    yield family


metrics.add_state_source(_open_circuits)
