"""Which loaded detectors to unload when memory runs short (least recently used first).

The registry tells the manager about every use and load. Before a detector loads, the
manager unloads the least recently used *other* detectors while either
- the models it has measured would exceed the budget (``DETECTION_MODEL_MEMORY_BUDGET_MB``;
  0 means no budget), counting the newcomer at its size from an earlier load if known, or
- the machine (or the GPU, when torch is already imported and CUDA is in use) has less
  free memory than ``DETECTION_MIN_FREE_MEMORY_MB``.

A model's size is what the process grew by while it loaded (resident memory plus CUDA
memory), or the detector's own ``memory_bytes()`` when it has one: exact for torch
models, approximate for the rest, and enough to order evictions.

An unloaded detector object stays alive while a job that already holds it finishes; the
memory returns when that job drops it.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from . import settings

logger = logging.getLogger(__name__)

MB = 1024 * 1024
BUDGET_ENV = "DETECTION_MODEL_MEMORY_BUDGET_MB"
MIN_FREE_ENV = "DETECTION_MIN_FREE_MEMORY_MB"


def _cuda() -> Any | None:
    # Never import torch here: the web process must stay torch-free. If a detector has
    # imported it, CUDA figures are available.
    torch = sys.modules.get("torch")
    if torch is None or not torch.cuda.is_available():
        return None
    return torch.cuda


def usage_bytes() -> int:
    """This process's resident memory plus the CUDA memory torch holds."""
    import psutil

    used = int(psutil.Process().memory_info().rss)
    cuda = _cuda()
    if cuda is not None:
        used += int(cuda.memory_allocated())
    return used


def free_bytes() -> int:
    """The smaller of the machine's available memory and the GPU's free memory."""
    import psutil

    free = int(psutil.virtual_memory().available)
    cuda = _cuda()
    if cuda is not None:
        free = min(free, int(cuda.mem_get_info()[0]))
    return free


EvictListener = Callable[[str, str], None]  # (detector name, reason)


class MemoryManager:
    def __init__(
        self,
        budget_bytes: int | None = None,
        min_free_bytes: int | None = None,
        free_probe: Callable[[], int] = free_bytes,
    ) -> None:
        self._budget = budget_bytes
        self._min_free = min_free_bytes
        self._free_probe = free_probe
        self.sizes: dict[str, int] = {}  # measured at load; kept after unload for planning
        self._order: OrderedDict[str, None] = OrderedDict()  # least recently used first
        self._lock = threading.Lock()
        self.listeners: list[EvictListener] = []

    @property
    def budget_bytes(self) -> int:
        return self._budget if self._budget is not None else settings.current().memory_budget_bytes

    @property
    def min_free_bytes(self) -> int:
        return (
            self._min_free
            if self._min_free is not None
            else settings.current().min_free_memory_bytes
        )

    def touch(self, name: str) -> None:
        with self._lock:
            self._order[name] = None
            self._order.move_to_end(name)

    def forget(self, name: str) -> None:
        with self._lock:
            self._order.pop(name, None)

    def record_load(self, name: str, instance: Any, before_bytes: int) -> None:
        own = getattr(instance, "memory_bytes", None)
        size = int(own()) if callable(own) else max(usage_bytes() - before_bytes, 0)
        with self._lock:
            self.sizes[name] = size
        logger.info("loaded detector %s (about %.0f MB)", name, size / MB)

    def loaded_bytes(self, loaded: list[str]) -> int:
        return sum(self.sizes.get(name, 0) for name in loaded)

    def make_room(self, incoming: str, loaded: list[str]) -> list[str]:
        """The detectors to unload before ``incoming`` loads, least recently used first.

        The caller drops them and then calls :meth:`release`. Free memory is read once and
        each victim's measured size is counted as freed, since the memory only returns
        once the caller has dropped the objects.
        """
        victims: list[str] = []
        with self._lock:
            candidates = [n for n in self._order if n in loaded and n != incoming]
        need = self.sizes.get(incoming, 0)
        remaining = list(loaded)
        free_now = self._free_probe() if self.min_free_bytes > 0 else 0
        freed = 0
        while candidates:
            over_budget = (
                self.budget_bytes > 0 and self.loaded_bytes(remaining) + need > self.budget_bytes
            )
            short = self.min_free_bytes > 0 and free_now + freed < self.min_free_bytes + need
            if not (over_budget or short):
                break
            victim = candidates.pop(0)
            remaining.remove(victim)
            victims.append(victim)
            freed += self.sizes.get(victim, 0)
            self.forget(victim)
            reason = "budget" if over_budget else "low_memory"
            logger.info("unloading detector %s to make room for %s (%s)", victim, incoming, reason)
            for listener in list(self.listeners):
                listener(victim, reason)
        return victims

    @staticmethod
    def release() -> None:
        """Return unloaded models' memory to the system (and CUDA's cache to the GPU)."""
        gc.collect()
        cuda = _cuda()
        if cuda is not None:
            cuda.empty_cache()


manager = MemoryManager()
