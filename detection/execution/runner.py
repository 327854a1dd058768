"""``run``: one detector call with everything that protects and measures it.

In order: the result cache (when the caller names a job row whose input may have been
analysed before), the deadline (a call that can no longer finish in time is not started:
a stale live window is dropped, not scored late), the circuit breaker, the detector
itself through dynamic batching (the registry loads it under the memory manager), then
metrics and the breaker's bookkeeping.

Errors keep their meaning for the caller: ``InputRejected`` (the input's fault; never
counts against the detector), ``EngineError`` (e.g. a model that cannot load),
``CircuitOpen``, ``DeadlineExceeded`` / ``TimeoutError``; anything else is a detector
crash, recorded and re-raised so a job can be retried.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from detection import metrics

from . import batching, circuit
from . import cache as result_cache

if TYPE_CHECKING:
    from detection.engine.base import Progress
    from detection.engine.registry import DetectorSpec
    from detection.engine.result import DetectionResult
    from detection.models import Detection


class DeadlineExceeded(TimeoutError):
    """The call's deadline passed before it could start: it was dropped, not run."""


@dataclass(frozen=True)
class Execution:
    """What ``run`` produced: a fresh ``result``, or a stored job row it ``reused``."""

    detector: str
    cache_key: str
    result: DetectionResult | None = None
    reused: Detection | None = None
    elapsed_ms: float = 0.0


def _name(spec: DetectorSpec | str) -> str:
    return spec if isinstance(spec, str) else spec.name


def cache_key(spec: DetectorSpec | str, options: Mapping[str, Any] | None) -> str:
    return result_cache.result_key(_name(spec), dict(options or {}))


def run(
    spec: DetectorSpec | str,
    content: Any,
    *,
    options: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    deadline: float | None = None,
    reuse_for: Detection | None = None,
    where: str = "worker",
) -> Execution:
    """Score ``content`` with the detector ``spec`` (a spec or its name).

    ``deadline`` is a ``time.monotonic()`` instant; ``reuse_for`` is the job row a stored
    identical result may be copied into (nothing else is cached: windows have no row);
    ``where`` labels the error metrics (``worker``, ``live``, ``stream``).
    """
    from detection.engine.errors import EngineError, InputRejected

    metrics.install_engine_hooks()
    name = _name(spec)
    key = ""
    if reuse_for is not None:
        key = cache_key(name, options)
        cached = result_cache.find(reuse_for, key)
        metrics.RESULT_CACHE.labels(result="hit" if cached else "miss").inc()
        if cached is not None:
            return Execution(name, key, reused=cached)
    timeout_s = None
    if deadline is not None:
        timeout_s = deadline - time.monotonic()
        if timeout_s <= 0:
            metrics.observe_error("DeadlineExceeded", where)
            raise DeadlineExceeded(f"{name}: the deadline passed before the input was scored")
    try:
        circuit.check(name)
    except circuit.CircuitOpen:
        metrics.observe_error("CircuitOpen", where)
        raise
    started = time.perf_counter()
    try:
        result = batching.run(
            name, content, options=options or None, progress=progress, timeout_s=timeout_s
        )
    except InputRejected as exc:
        metrics.observe_error(exc, where)
        raise
    except EngineError as exc:
        # A model that cannot load fails every call alike: it counts against the detector.
        metrics.observe_error(exc, where)
        circuit.record_failure(name, str(exc))
        raise
    except TimeoutError:
        metrics.observe_error("Timeout", where)
        circuit.record_failure(name, "timed out")
        raise
    except Exception as exc:
        metrics.observe_error(exc, where)
        circuit.record_failure(name, f"{type(exc).__name__}: {exc}")
        raise
    circuit.record_success(name)
    elapsed_ms = (time.perf_counter() - started) * 1000
    metrics.observe_result(result.detector, elapsed_ms / 1000, result.to_dict()["members"])
    return Execution(name, key, result=result, elapsed_ms=elapsed_ms)
