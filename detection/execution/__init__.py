"""Running a detector: the one road every detection takes to a model and back.

``run`` (in :mod:`.runner`) applies the result cache, the circuit breaker, dynamic
batching, the engine's memory manager (through the registry), metrics and a deadline.
Jobs, batch items, text-stream windows and live frames and voice windows all call it.
"""

from __future__ import annotations

from .runner import DeadlineExceeded, Execution, cache_key, run

__all__ = ["DeadlineExceeded", "Execution", "cache_key", "run"]
