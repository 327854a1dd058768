from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from detection.execution import circuit

pytestmark = pytest.mark.django_db


def test_detector_that_raises_fails_the_job_with_the_reason_and_the_process_lives_on(
    api_client: APIClient, submit: Any, use_detector: Any
) -> None:
    use_detector("testing.failing")
    with pytest.raises(RuntimeError, match="injected detector fault"):
        # Inline mode runs the service directly: the exception is what the Celery task sees;
        # it retries, then fails the row (the worker test in test_stack_faults covers that).
        submit(api_client)
    state = circuit.states()["testing.failing"]
    assert state["failures"] == 1 and not state["open"]
    assert "injected detector fault" in state["reason"]


def test_circuit_opens_after_repeated_failures_and_jobs_fail_fast_with_the_reason(
    api_client: APIClient, submit: Any, use_detector: Any, settings: Any
) -> None:
    settings.DETECTION_CIRCUIT_FAILURES = 2
    use_detector("testing.broken")  # the model cannot load: each job fails with that reason
    first, second = submit(api_client), submit(api_client)
    for job in (first, second):
        job.refresh_from_db()
        assert job.status == "failed" and "weights missing" in job.error_message
    third = submit(api_client)
    third.refresh_from_db()
    assert third.status == "failed"
    assert "paused after 2 failures" in third.error_message
    assert "try again in" in third.error_message


def test_ready_reports_an_open_circuit(
    client: Any, settings: Any, use_detector: Any, user: User
) -> None:
    settings.DETECTION_CIRCUIT_FAILURES = 1
    use_detector("testing.wordstat")
    circuit.record_failure("testing.wordstat", "CUDA error: out of memory")
    user.is_staff = True
    user.save()
    client.force_login(user)  # the details are for staff
    response = client.get("/ready")
    assert response.status_code == 503
    entry = response.json()["checks"]["detectors"]["detectors"]["testing.wordstat"]
    assert entry["circuit"] == "open" and "out of memory" in entry["error"]
    # A web replica that only gates on its own services stays in the load balancer.
    gated = client.get("/ready?checks=database,broker")
    assert gated.status_code == 200, gated.json()


def test_circuit_closes_after_the_cool_down_on_success(
    api_client: APIClient, submit: Any, use_detector: Any, settings: Any
) -> None:
    settings.DETECTION_CIRCUIT_FAILURES = 1
    settings.DETECTION_CIRCUIT_RESET_S = 0  # cool-down already over: the next job is a trial
    use_detector("testing.wordstat")
    circuit.record_failure("testing.wordstat", "transient")
    job = submit(api_client)
    job.refresh_from_db()
    assert job.status == "completed"
    assert circuit.states()["testing.wordstat"]["failures"] == 0
