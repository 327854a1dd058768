"""Small registered detectors for failure injection and for timing control in fault tests.

Loaded through ``DETECTION_EXTRA_SPECS=tests.production.detectors`` (in-process or in a
worker subprocess). They are not models: ``testing.wordstat`` scores a text by a plain,
deterministic statistic (the share of long words) so that jobs have a real, stable
outcome; ``DETECTION_TESTING_DELAY_S`` makes each call (single or batch) hold one shared
"device" that long, so a test can kill a worker mid-job and bench/api_load.py can show the
queueing a single GPU imposes. ``testing.failing`` always raises, like a detector with
a bug; ``testing.flaky`` raises on its first ``FLAKY_FAILURES[0]`` calls in a process,
then works; ``testing.broken`` cannot load its model. ``CALLS`` counts the inputs scored.
"""

from __future__ import annotations

import mmap
import os
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from detection.engine.errors import ModelUnavailable
from detection.engine.registry import DetectorSpec
from detection.engine.result import DetectionResult

SPECS = [
    DetectorSpec("testing.wordstat", "text", "tests.production.detectors:WordStat"),
    DetectorSpec("testing.failing", "text", "tests.production.detectors:Failing"),
    DetectorSpec("testing.broken", "text", "tests.production.detectors:Broken"),
    DetectorSpec("testing.flaky", "text", "tests.production.detectors:Flaky"),
    DetectorSpec("testing.ballast_a", "text", "tests.production.detectors:BallastA"),
    DetectorSpec("testing.ballast_b", "text", "tests.production.detectors:BallastB"),
]

# Every batch size seen by WordStat.detect_batch in this process (for batching tests).
BATCH_SIZES: list[int] = []
CALLS: list[str] = []  # every input WordStat (and its subclasses) scored in this process
FLAKY_FAILURES = [1]  # calls testing.flaky still fails in this process
_calls = threading.Lock()


_device = threading.Lock()


def _delay() -> None:
    """Hold the (one) device for the configured time, like a forward pass on one GPU: calls
    queue for it, and a batch costs what a single input costs."""
    delay = float(os.environ.get("DETECTION_TESTING_DELAY_S", "0") or 0)
    if delay:
        with _device:
            time.sleep(delay)


class WordStat:
    name = "testing.wordstat"
    modality = "text"

    def load(self) -> None:
        self.loaded = True

    def _score(self, text: str) -> DetectionResult:
        CALLS.append(text)
        words = text.split()
        share = sum(len(w) > 6 for w in words) / max(len(words), 1)
        return DetectionResult(
            modality="text",
            detector=self.name,
            verdict="ai" if share > 0.3 else "human",
            probability_ai=round(min(max(share, 0.0), 1.0), 4),
            raw_score=share,
            threshold=0.3,
        )

    def detect(
        self, content: Any, *, options: Mapping[str, Any] | None = None, progress: Any = None
    ) -> DetectionResult:
        _delay()
        return self._score(str(content))

    def detect_batch(
        self, contents: Sequence[Any], *, options: Mapping[str, Any] | None = None
    ) -> list[DetectionResult]:
        with _calls:
            BATCH_SIZES.append(len(contents))
        _delay()  # one "forward pass" for the whole batch
        return [self._score(str(c)) for c in contents]


class Failing(WordStat):
    name = "testing.failing"

    def detect(self, content: Any, **_: Any) -> DetectionResult:
        raise RuntimeError("injected detector fault")

    def detect_batch(self, contents: Sequence[Any], **_: Any) -> list[DetectionResult]:
        raise RuntimeError("injected detector fault")


class Flaky(WordStat):
    name = "testing.flaky"

    def _score(self, text: str) -> DetectionResult:
        with _calls:
            failing = FLAKY_FAILURES[0] > 0
            FLAKY_FAILURES[0] -= 1
        if failing:
            raise RuntimeError("injected transient detector fault")
        return super()._score(text)


class Broken(WordStat):
    name = "testing.broken"

    def load(self) -> None:
        raise ModelUnavailable("testing.broken: weights missing at /nonexistent (sha256 0000)")


class BallastA(WordStat):
    """Holds real memory once loaded (like a model's weights), for the memory manager."""

    name = "testing.ballast_a"
    megabytes = 64

    def load(self) -> None:
        # A fresh anonymous mapping, written page by page, so the growth shows in RSS even
        # when earlier tests left freed memory in the allocator's free lists to reuse.
        size = self.megabytes * 1024 * 1024
        self.weights = mmap.mmap(-1, size)
        chunk = b"\x01" * (1024 * 1024)
        for _ in range(self.megabytes):
            self.weights.write(chunk)


class BallastB(BallastA):
    name = "testing.ballast_b"
