"""Dynamic batching: concurrent jobs for one detector share a forward pass.

A worker running several jobs at once (Celery's ``threads`` pool, one process holding
the model once) hands each input to the detector's micro-batcher. The first input to
arrive leads: it waits until every job in flight that is not already being scored has
joined, the batch is full (``DETECTION_BATCH_MAX_SIZE``) or ``DETECTION_BATCH_WAIT_MS`` has passed,
then scores them all with one ``detect_batch`` call and hands each job its result. A lone
job never waits (nothing else is in flight). Batches of one detector run one at a time
(one device; ``DETECTION_BATCH_CONCURRENCY`` allows more); inputs arriving meanwhile gather
into the next batch. Detectors without
``detect_batch``, a batch size of 1, or the prefork pool (one job per process) run inputs
one by one as before.

If a batch fails, its inputs are retried one by one, so one bad input fails only its
own job.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from detection import metrics
from detection.engine import registry
from detection.engine.base import BatchDetector, DetectorInput, Progress
from detection.engine.result import DetectionResult

logger = logging.getLogger(__name__)

_inflight = 0  # jobs inside detection_run in this process
_scoring = 0  # of which: inputs inside a running detect_batch call
_inflight_lock = threading.Lock()


@contextmanager
def job_in_flight() -> Iterator[None]:
    """Count a job while it runs, so a batch leader knows how many others may join."""
    global _inflight
    with _inflight_lock:
        _inflight += 1
    try:
        yield
    finally:
        with _inflight_lock:
            _inflight -= 1


def jobs_that_may_join() -> int:
    """Jobs in flight that are not being scored already: the ones a batch can still get."""
    return max(_inflight - _scoring, 1)


@contextmanager
def _scoring_batch(size: int) -> Iterator[None]:
    global _scoring
    with _inflight_lock:
        _scoring += size
    try:
        yield
    finally:
        with _inflight_lock:
            _scoring -= size


@dataclass
class _Item:
    content: DetectorInput
    future: Future[DetectionResult] = field(default_factory=Future)
    progress: Progress | None = None


class MicroBatcher:
    def __init__(
        self, detector: str, options: Mapping[str, Any] | None, max_size: int, max_wait_s: float
    ) -> None:
        self.detector = detector
        self.options = options
        self.max_size = max_size
        self.max_wait_s = max_wait_s
        self._pending: list[_Item] = []
        self._leading = False
        self._cond = threading.Condition()
        # Batches of this detector that may run at once: 1 for one GPU (arrivals gather into
        # the next batch); more on CPUs, where concurrent calls use more cores.
        self._device = threading.Semaphore(max(settings.DETECTION_BATCH_CONCURRENCY, 1))

    def submit(
        self,
        content: DetectorInput,
        timeout_s: float | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult:
        item = _Item(content, progress=progress)
        with self._cond:
            self._pending.append(item)
            self._cond.notify_all()
            lead = not self._leading
            if lead:
                self._leading = True
        if lead:
            self._lead()
        return item.future.result(timeout=timeout_s)

    def _lead(self) -> None:
        deadline = time.monotonic() + self.max_wait_s
        with self._cond:
            while True:
                want = min(self.max_size, jobs_that_may_join())
                left = deadline - time.monotonic()
                if len(self._pending) >= want or left <= 0:
                    break
                self._cond.wait(left)
        # One batch at a time per detector (one device): inputs that arrive while the
        # previous batch runs join this one instead of queueing as batches of their own.
        with self._device:
            with self._cond:
                batch = self._pending[: self.max_size]
                self._pending = self._pending[self.max_size :]
                # Whoever queued behind a full batch leads the next one.
                self._leading = bool(self._pending)
            if self._pending:
                threading.Thread(target=self._lead, daemon=True).start()
            self._run(batch)

    def _run(self, batch: list[_Item]) -> None:
        with _scoring_batch(len(batch)):
            self._score(batch)

    def _score(self, batch: list[_Item]) -> None:
        detector = registry.get_detector(self.detector)
        started = time.perf_counter()
        try:
            if not isinstance(detector, BatchDetector):
                raise TypeError(f"{self.detector} has no detect_batch")
            if len(batch) == 1 and batch[0].progress is not None:
                # A job scored alone is a plain call, which can report its real progress
                # (windows and frames done) instead of standing still until it ends.
                item = batch[0]
                results = [
                    detector.detect(item.content, options=self.options, progress=item.progress)
                ]
            else:
                results = detector.detect_batch(
                    [item.content for item in batch], options=self.options
                )
            if len(results) != len(batch):
                raise RuntimeError(f"detect_batch returned {len(results)} of {len(batch)}")
        except Exception as exc:
            if len(batch) == 1:
                batch[0].future.set_exception(exc)
                return
            logger.warning(
                "batch of %d failed on %s (%s); scoring one by one",
                len(batch),
                self.detector,
                type(exc).__name__,
            )
            for item in batch:
                self._run_one(detector, item)
            return
        metrics.BATCH_SIZE.labels(detector=self.detector).observe(len(batch))
        logger.debug(
            "batch of %d on %s in %.0f ms",
            len(batch),
            self.detector,
            (time.perf_counter() - started) * 1000,
        )
        for item, result in zip(batch, results, strict=True):
            item.future.set_result(result)

    def _run_one(self, detector: Any, item: _Item) -> None:
        try:
            item.future.set_result(detector.detect(item.content, options=self.options))
        except Exception as exc:
            item.future.set_exception(exc)


_batchers: dict[tuple[str, str], MicroBatcher] = {}
_batchers_lock = threading.Lock()


def _batcher(detector: str, options: Mapping[str, Any] | None) -> MicroBatcher:
    key = (detector, json.dumps(options or {}, sort_keys=True, default=str))
    with _batchers_lock:
        batcher = _batchers.get(key)
        if batcher is None:
            batcher = MicroBatcher(
                detector,
                options,
                max_size=settings.DETECTION_BATCH_MAX_SIZE,
                max_wait_s=settings.DETECTION_BATCH_WAIT_MS / 1000,
            )
            _batchers[key] = batcher
        return batcher


def run(
    detector: str,
    content: DetectorInput,
    *,
    options: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    timeout_s: float | None = None,
) -> DetectionResult:
    """Score one input with the named detector, batched with concurrent jobs when it can."""
    instance = registry.get_detector(detector)
    if settings.DETECTION_BATCH_MAX_SIZE <= 1 or not isinstance(instance, BatchDetector):
        return instance.detect(content, options=options, progress=progress)
    if progress is not None:
        progress(0.05, "waiting for a batch")
    return _batcher(detector, options).submit(content, timeout_s=timeout_s, progress=progress)
