"""``execution.run``: the deadline, the breaker, the cache and the error meanings."""

from __future__ import annotations

import time
from typing import Any

import pytest

from detection import execution
from detection.engine.errors import ModelUnavailable
from detection.execution import circuit
from tests.conftest import SAMPLE_TEXT
from tests.production import detectors


def test_a_call_whose_deadline_has_passed_is_dropped_without_running(use_detector: Any) -> None:
    use_detector("testing.wordstat")
    calls = len(detectors.CALLS)
    with pytest.raises(execution.DeadlineExceeded):
        execution.run("testing.wordstat", SAMPLE_TEXT, deadline=time.monotonic() - 0.01)
    assert len(detectors.CALLS) == calls
    assert circuit.states()["testing.wordstat"]["failures"] == 0  # not the detector's fault


def test_a_call_in_time_returns_the_detectors_result(use_detector: Any) -> None:
    use_detector("testing.wordstat")
    done = execution.run("testing.wordstat", SAMPLE_TEXT, deadline=time.monotonic() + 30)
    assert done.result is not None and done.result.detector == "testing.wordstat"
    assert done.reused is None and done.elapsed_ms >= 0


def test_a_model_that_cannot_load_counts_against_the_detector_and_opens_its_circuit(
    use_detector: Any, settings: Any
) -> None:
    settings.DETECTION_CIRCUIT_FAILURES = 2
    use_detector("testing.broken")
    for _ in range(2):
        with pytest.raises(ModelUnavailable):
            execution.run("testing.broken", SAMPLE_TEXT)
    with pytest.raises(circuit.CircuitOpen, match="paused after 2 failures"):
        execution.run("testing.broken", SAMPLE_TEXT)


@pytest.mark.django_db
def test_a_stored_identical_result_is_reused_for_a_job_row(
    api_client: Any, submit: Any, use_detector: Any
) -> None:
    use_detector("testing.wordstat")
    first = submit(api_client)
    second = submit(api_client)  # the job path stored it as a hit; ask run() directly too
    done = execution.run("testing.wordstat", SAMPLE_TEXT, reuse_for=second)
    assert done.result is None and done.reused is not None
    assert done.reused.pk == first.pk and done.cache_key == first.results["cache_key"]
