from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from detection.engine import registry
from detection.execution import batching
from tests.conftest import SAMPLE_TEXT
from tests.production import detectors

TEXTS = [SAMPLE_TEXT.replace("ferry", word) for word in ("bus", "train", "barge", "plane", "cab")]


def _concurrently(texts: list[str], detector: str) -> list[Any]:
    results: list[Any] = [None] * len(texts)
    start = threading.Barrier(len(texts))

    def job(index: int) -> None:
        with batching.job_in_flight():
            start.wait()
            try:
                results[index] = batching.run(detector, texts[index], timeout_s=30)
            except Exception as exc:
                results[index] = exc

    threads = [threading.Thread(target=job, args=(i,)) for i in range(len(texts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_concurrent_jobs_are_scored_in_one_batch_with_the_same_results(
    use_detector: Any, settings: Any
) -> None:
    use_detector("testing.wordstat")
    settings.DETECTION_BATCH_MAX_SIZE = 8
    settings.DETECTION_BATCH_WAIT_MS = 2000  # generous: the batch closes once all 5 joined
    detectors.BATCH_SIZES.clear()
    results = _concurrently(TEXTS, "testing.wordstat")
    assert max(detectors.BATCH_SIZES) >= 2, detectors.BATCH_SIZES
    assert sum(detectors.BATCH_SIZES) == len(TEXTS)
    single = registry.get_detector("testing.wordstat")
    for text, result in zip(TEXTS, results, strict=True):
        assert result.probability_ai == single.detect(text).probability_ai


def test_batches_are_bounded_by_the_maximum_size(use_detector: Any, settings: Any) -> None:
    use_detector("testing.wordstat")
    settings.DETECTION_BATCH_MAX_SIZE = 2
    settings.DETECTION_BATCH_WAIT_MS = 500
    batching._batchers.clear()  # a batcher keeps the size it was made with
    detectors.BATCH_SIZES.clear()
    results = _concurrently(TEXTS, "testing.wordstat")
    assert all(not isinstance(r, Exception) for r in results)
    assert max(detectors.BATCH_SIZES) <= 2 and sum(detectors.BATCH_SIZES) == len(TEXTS)
    batching._batchers.clear()


def test_a_lone_job_does_not_wait_for_a_batch(use_detector: Any, settings: Any) -> None:
    use_detector("testing.wordstat")
    settings.DETECTION_BATCH_WAIT_MS = 5000
    batching._batchers.clear()
    started = time.monotonic()
    with batching.job_in_flight():
        batching.run("testing.wordstat", SAMPLE_TEXT, timeout_s=30)
    assert time.monotonic() - started < 2.5  # far below the 5 s window
    batching._batchers.clear()


def test_a_failing_batch_fails_each_job_with_the_detector_error(
    use_detector: Any, settings: Any
) -> None:
    use_detector("testing.failing")
    settings.DETECTION_BATCH_WAIT_MS = 500
    results = _concurrently(TEXTS[:3], "testing.failing")
    assert all(isinstance(r, RuntimeError) for r in results), results


def test_batching_off_runs_one_by_one(use_detector: Any, settings: Any) -> None:
    use_detector("testing.wordstat")
    settings.DETECTION_BATCH_MAX_SIZE = 1
    detectors.BATCH_SIZES.clear()
    results = _concurrently(TEXTS[:3], "testing.wordstat")
    assert detectors.BATCH_SIZES == [] and all(r.verdict for r in results)


@pytest.fixture(autouse=True)
def _no_stale_batchers() -> Any:
    batching._batchers.clear()
    yield
    batching._batchers.clear()
