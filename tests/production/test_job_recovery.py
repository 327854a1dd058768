"""No job is stuck or lost: a raising detector in embedded mode, database blips while the
result is saved, and workers that vanish mid-job (leases and the sweep)."""

from __future__ import annotations

import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.tokens import token_create
from detection import leases
from detection.models import Detection
from detection.services import detections_requeue_stale
from tests.conftest import SAMPLE_TEXT
from tests.daphne import running_daphne
from tests.factories import make_detection
from tests.production import detectors

URL = "/api/v1/detections/"


def _poll(client: Any, detection_id: Any, timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body = dict(client.get(f"{URL}{detection_id}/").json())
        if body["status"] in ("completed", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.2)


# --- 12: embedded (thread) mode -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_embedded_worker_fails_a_job_whose_detector_raises_with_the_reason(
    api_client: APIClient, use_detector: Any, settings: Any
) -> None:
    settings.DETECTION_EXECUTOR = "thread"
    settings.DETECTION_TASK_MAX_RETRIES = 1
    use_detector("testing.failing")
    created = api_client.post(URL, {"text": SAMPLE_TEXT}, format="json").json()
    job = _poll(api_client, created["id"])
    assert job["status"] == "failed", job
    assert "RuntimeError: injected detector fault" in job["error_message"]
    assert job["attempts"] == 2  # retried once within the attempt limit


@pytest.mark.django_db(transaction=True)
def test_embedded_worker_retries_a_transient_detector_fault(
    api_client: APIClient, use_detector: Any, settings: Any
) -> None:
    settings.DETECTION_EXECUTOR = "thread"
    detectors.FLAKY_FAILURES[0] = 1
    use_detector("testing.flaky")
    created = api_client.post(URL, {"text": SAMPLE_TEXT}, format="json").json()
    job = _poll(api_client, created["id"])
    assert (job["status"], job["attempts"]) == ("completed", 2), job


# --- 13: transient database errors while saving the result -------------------------------


@pytest.fixture
def celery_eager(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Celery task path, run in this process (retries are applied at once)."""
    from config.celery import app

    settings.DETECTION_EXECUTOR = "celery"
    settings.DETECTION_SAVE_RETRY_BASE_S = 0.01
    monkeypatch.setitem(app.conf, "task_always_eager", True)


def _blips_on_saving_the_result(monkeypatch: pytest.MonkeyPatch, count: int) -> list[int]:
    left = [count]
    original = Detection.save

    def save(self: Detection, *args: Any, **kwargs: Any) -> None:
        if self.status == "completed" and left[0] > 0:
            left[0] -= 1
            raise OperationalError("server closed the connection unexpectedly")
        original(self, *args, **kwargs)

    monkeypatch.setattr(Detection, "save", save)
    return left


@pytest.mark.django_db
def test_three_blips_while_saving_neither_fail_the_job_nor_rerun_the_detector(
    api_client: APIClient, use_detector: Any, celery_eager: None, monkeypatch: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    use_detector("testing.wordstat")
    left = _blips_on_saving_the_result(monkeypatch, 3)
    detectors.CALLS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(URL, {"text": SAMPLE_TEXT}, format="json").json()
    job = api_client.get(f"{URL}{created['id']}/").json()
    assert left == [0]
    assert (job["status"], job["attempts"]) == ("completed", 1), job
    assert len(detectors.CALLS) == 1


@pytest.mark.django_db
def test_an_outage_longer_than_the_save_retries_keeps_the_result_for_the_task_retry(
    api_client: APIClient, use_detector: Any, celery_eager: None, monkeypatch: Any,
    settings: Any, django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    settings.DETECTION_SAVE_RETRIES = 1  # two saves per try: five blips outlast two tries
    use_detector("testing.wordstat")
    left = _blips_on_saving_the_result(monkeypatch, 5)
    detectors.CALLS.clear()
    with django_capture_on_commit_callbacks(execute=True):
        created = api_client.post(URL, {"text": SAMPLE_TEXT}, format="json").json()
    job = api_client.get(f"{URL}{created['id']}/").json()
    assert left == [0]
    # Infrastructure retries are not attempts, and the detector ran once.
    assert (job["status"], job["attempts"]) == ("completed", 1), job
    assert len(detectors.CALLS) == 1


# --- 14: leases, the requeue command and the sweep -----------------------------------------


def _running(user: User, holder: str, expires_in_s: float) -> Detection:
    return make_detection(
        user,
        input_text=SAMPLE_TEXT,
        status="running",
        verdict="",
        probability_ai=None,
        attempts=1,
        started_at=timezone.now() - timedelta(hours=2),
        lease_holder=holder,
        lease_expires_at=timezone.now() + timedelta(seconds=expires_in_s),
    )


def _dead_local_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.mark.django_db
def test_requeue_leaves_a_long_running_job_whose_worker_is_alive(
    user: User, api_client: APIClient, capsys: Any
) -> None:
    holder = leases.new_holder()
    alive = _running(user, holder, expires_in_s=60)
    with leases.held(alive.pk, holder):  # this process is running it
        call_command("requeue_detections", "--older-than", "0")
    assert "re-queued 0" in capsys.readouterr().out
    job = api_client.get(f"{URL}{alive.pk}/").json()
    assert (job["status"], job["attempts"]) == ("running", 1)


@pytest.mark.django_db
def test_a_job_left_behind_by_this_very_process_is_taken_back(
    user: User, api_client: APIClient, use_detector: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    # An execution here ended on an error it could not report: its lease is still valid,
    # but this process is no longer running it.
    use_detector("testing.wordstat")
    left = _running(user, leases.new_holder(), expires_in_s=60)
    with django_capture_on_commit_callbacks(execute=True):
        assert detections_requeue_stale() == 1
    assert api_client.get(f"{URL}{left.pk}/").json()["status"] == "completed"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "holder",
    ["lost-node.example:4242:0123456789ab", "LOCAL_DEAD_PID"],
    ids=["lease-lapsed-elsewhere", "holder-process-gone-here"],
)
def test_requeue_recovers_a_job_whose_worker_was_lost(
    user: User, api_client: APIClient, use_detector: Any, holder: str,
    django_capture_on_commit_callbacks: Any, capsys: Any,
) -> None:  # fmt: skip
    use_detector("testing.wordstat")
    if holder == "LOCAL_DEAD_PID":  # a worker of this host, killed: no need to wait
        lost = _running(user, f"{leases.this_host()}:{_dead_local_pid()}:feedc0ffee00", 60)
    else:
        lost = _running(user, holder, expires_in_s=-30)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_detections")
    assert "re-queued 1" in capsys.readouterr().out
    job = api_client.get(f"{URL}{lost.pk}/").json()
    assert (job["status"], job["attempts"]) == ("completed", 2), job


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_embedded_server_sweeps_lost_jobs_on_its_own_timer(user: User, tmp_path: Path) -> None:
    _, raw = token_create(user=user, name="sweep")
    env = {
        "DETECTION_EXECUTOR": "thread",
        "DETECTION_SWEEP_INTERVAL_S": "0.5",
        "DETECTION_EXTRA_SPECS": "tests.production.detectors",
        "DETECTION_DEFAULT_DETECTORS": "text=testing.wordstat",
    }
    with running_daphne(tmp_path, **env) as port:
        api = requests.Session()
        api.headers["Authorization"] = f"Bearer {raw}"
        base = f"http://127.0.0.1:{port}{URL}"
        first = api.post(base, json={"text": SAMPLE_TEXT}, timeout=10).json()
        assert _poll_http(api, base, first["id"])["status"] == "completed"
        # A job its worker (on another machine) stopped renewing a while ago; no operator.
        lost = _running(user, "lost-node.example:4242:0123456789ab", expires_in_s=-30)
        job = _poll_http(api, base, str(lost.pk))
    assert (job["status"], job["attempts"]) == ("completed", 2), job


def _poll_http(api: requests.Session, base: str, detection_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 30
    while True:
        body = dict(api.get(f"{base}{detection_id}/", timeout=10).json())
        if body["status"] in ("completed", "failed") or time.monotonic() > deadline:
            return body
        time.sleep(0.3)
