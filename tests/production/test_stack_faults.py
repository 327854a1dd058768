"""Faults on a real stack: a worker killed mid-job, Redis and Postgres restarted under
load, a detector that raises. Each service here is the stack's own (stack.py)."""

from __future__ import annotations

import json
import os
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.conftest import SAMPLE_TEXT
from tests.production.load import LoadRun, numbered_texts
from tests.production.stack import Stack, missing_tools, wait_for

pytestmark = [pytest.mark.stack]
JOB_WAIT_S = 90
TRACE_FILE = Path(tempfile.gettempdir()) / f"aidetect-traces-{os.getpid()}.jsonl"


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    reason = missing_tools()
    if reason:
        pytest.skip(reason)
    running = Stack(
        env={
            "DETECTION_EXTRA_SPECS": "tests.production.detectors",
            "DETECTION_DEFAULT_DETECTORS": "text=testing.wordstat",
            # Short enough that a killed worker's job comes back within the test.
            "CELERY_VISIBILITY_TIMEOUT": "8",
            "CELERY_UNACKED_RESTORE_INTERVAL": "1",
            "CELERY_UNACKED_RESTORE_THROTTLE": "1",
            "DETECTION_RESULT_CACHE": "off",
            "DETECTION_TRACE_FILE": str(TRACE_FILE),
            "THROTTLE_SUBMIT": "100000/min",
            "THROTTLE_USER": "100000/min",
            "THROTTLE_TOKEN": "100000/min",
        }
    )
    try:
        running.start(workers=1)
        yield running
    finally:
        running.close()
        TRACE_FILE.unlink(missing_ok=True)


@pytest.fixture(scope="module")
def token(stack: Stack) -> str:
    return stack.make_token("fault-tester")


def _submit(stack: Stack, token: str, text: str = SAMPLE_TEXT) -> str:
    response = requests.post(
        f"{stack.base}/api/v1/detections/",
        json={"text": text},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


def _wait_finished(stack: Stack, ids: list[str], timeout: float = JOB_WAIT_S) -> dict:
    def done() -> bool:
        found = stack.statuses(ids)
        finished = [s for s, _ in found.values() if s in ("completed", "failed")]
        return len(found) == len(ids) == len(finished)

    worker_log = stack.logs.get(_current_worker(stack))
    wait_for(done, timeout, f"{len(ids)} jobs to finish", worker_log)
    return stack.statuses(ids)


def _completions(stack: Stack) -> Counter[str]:
    return Counter(
        line["detection_id"]
        for line in stack.log_lines("worker")
        if line.get("event") == "detection.completed"
    )


def _current_worker(stack: Stack) -> str:
    wait_for(lambda: any(n.startswith("worker") for n in stack.processes), 60, "a worker")
    return next(name for name in stack.processes if name.startswith("worker"))


def test_a_detection_is_traced_from_the_request_to_the_worker(stack: Stack, token: str) -> None:
    pytest.importorskip("opentelemetry.sdk", reason="OpenTelemetry is optional")
    detection_id = _submit(stack, token, SAMPLE_TEXT + " Traced.")
    _wait_finished(stack, [detection_id])

    def spans() -> list[dict]:
        return [json.loads(line) for line in TRACE_FILE.read_text().splitlines()]

    wait_for(lambda: any(s["name"] == "detection.run" for s in spans()), 10, "the worker span")
    run = next(
        s for s in spans()
        if s["name"] == "detection.run" and s["attributes"]["detection.id"] == detection_id
    )  # fmt: skip
    request = next(
        s for s in spans() if s["attributes"].get("detection.id") == detection_id
        and s["service"] == "aidetect-web"
    )  # fmt: skip
    assert request["name"] == "HTTP POST api:detection-list"
    assert run["service"] == "aidetect-worker" and run["trace_id"] == request["trace_id"]
    by_id = {s["span_id"]: s for s in spans()}
    chain, parent = [], run["parent_id"]
    while parent in by_id:
        chain.append(by_id[parent]["name"])
        parent = by_id[parent]["parent_id"]
    assert chain[-1] == request["name"]  # worker span -> celery run -> publish -> request


def test_an_idle_websocket_outlives_the_redis_read_timeout(stack: Stack, token: str) -> None:
    # redis-py 8's default 5 s socket timeout equals channels_redis's blocking pop: without
    # the longer timeout in settings, the consumer died with 1011 after 5 idle seconds.
    import asyncio

    import websockets

    detection_id = _submit(stack, token, SAMPLE_TEXT + " Idle socket.")
    _wait_finished(stack, [detection_id])

    async def idle_then_refresh() -> dict:
        url = f"ws://127.0.0.1:{stack.web_port}/ws/detections/{detection_id}/"
        headers = {"Authorization": f"Bearer {token}"}
        async with websockets.connect(url, additional_headers=headers) as ws:
            json.loads(await ws.recv())  # the snapshot
            await asyncio.sleep(7)
            await ws.send(json.dumps({"type": "refresh"}))
            return dict(json.loads(await asyncio.wait_for(ws.recv(), 10)))

    # A thread of its own: an earlier test may have left an event loop running in this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        snapshot = pool.submit(asyncio.run, idle_then_refresh()).result()
    assert snapshot["detection"]["status"] == "completed"


def test_worker_killed_mid_job_completes_once_after_restart(stack: Stack, token: str) -> None:
    stack.stop(_current_worker(stack))
    slow = stack.start_worker(DETECTION_TESTING_DELAY_S="4")
    detection_id = _submit(stack, token, SAMPLE_TEXT + " Killed mid-job.")
    wait_for(lambda: stack.statuses([detection_id])[detection_id][0] == "running", 30, "running")
    stack.kill(slow)  # SIGKILL to the whole worker: nothing is acknowledged or cleaned up
    assert stack.statuses([detection_id])[detection_id][0] == "running"
    stack.start_worker()
    status, attempts = _wait_finished(stack, [detection_id])[detection_id]
    assert status == "completed" and attempts == 2
    assert _completions(stack)[detection_id] == 1


def test_a_job_lost_with_its_worker_and_its_message_is_swept_back_by_the_workers(
    stack: Stack, token: str
) -> None:
    stack.stop(_current_worker(stack))
    detection_id = _submit(stack, token, SAMPLE_TEXT + " Lost with its message.")
    # A node took the job and vanished, and its message with it: no copy in the broker,
    # and a lease nobody renews. Nobody runs requeue_detections.
    redis = stack.redis.client()
    for key in redis.scan_iter(match="gpu*"):
        if key == b"gpu" or key.startswith(b"gpu\x06\x16"):
            redis.delete(key)
    stack.pg.query(
        "UPDATE detection_detection SET status = 'running', attempts = 1, "
        "lease_holder = 'lost-node.example:4242:0123456789ab', "
        "lease_expires_at = now() - interval '1 minute' WHERE id::text = %s RETURNING id",
        detection_id,
    )
    stack.start_worker(DETECTION_SWEEP_INTERVAL_S="1")
    status, attempts = _wait_finished(stack, [detection_id])[detection_id]
    assert (status, attempts) == ("completed", 2)
    assert _completions(stack)[detection_id] == 1


def _outage_under_load(stack: Stack, token: str, stop: object, start: object) -> LoadRun:
    load = LoadRun(
        stack.base, [token], numbered_texts(SAMPLE_TEXT), clients=3, duration_s=9, pause_s=0.05
    )
    runner = threading.Thread(target=load.run)
    runner.start()
    time.sleep(2)
    stop()  # type: ignore[operator]
    time.sleep(3)
    start()  # type: ignore[operator]
    runner.join()
    return load


def _assert_no_job_lost_or_duplicated(stack: Stack, load: LoadRun) -> None:
    codes = load.codes()
    assert codes.get(503, 0) > 0, f"no 503 during the outage: {codes}"
    assert not {c for c in codes if c >= 500 and c != 503}, codes
    late = [s.status for s in load.submissions if s.at > 7.5]
    assert 202 in late, f"the API did not recover: {late}"
    accepted = load.accepted
    statuses = _wait_finished(stack, accepted)
    assert {s for s, _ in statuses.values()} == {"completed"}, Counter(statuses.values())
    rows = stack.pg.query(
        "SELECT id::text FROM detection_detection WHERE input_text LIKE %s", "%Entry number%"
    )
    assert sorted(r[0] for r in rows) == sorted(accepted)  # no orphan row behind a 503
    completions = _completions(stack)
    assert all(completions[i] == 1 for i in accepted), [i for i in accepted if completions[i] != 1]


def test_redis_restart_answers_503_then_recovers_without_losing_jobs(
    stack: Stack, token: str
) -> None:
    stack.pg.query("DELETE FROM detection_detection RETURNING id")
    load = _outage_under_load(stack, token, stack.redis.stop, stack.redis.start)
    _assert_no_job_lost_or_duplicated(stack, load)


def test_postgres_restart_answers_503_then_recovers_without_losing_jobs(
    stack: Stack, token: str
) -> None:
    stack.pg.query("DELETE FROM detection_detection RETURNING id")
    load = _outage_under_load(stack, token, stack.pg.stop, stack.pg.start)
    _assert_no_job_lost_or_duplicated(stack, load)


def test_detector_that_raises_fails_the_job_with_the_reason_and_the_worker_lives(
    stack: Stack, token: str
) -> None:
    stack.stop(_current_worker(stack))
    metrics_port = 0
    from tests.production.stack import free_port

    metrics_port = free_port()
    failing = stack.start_worker(
        DETECTION_DEFAULT_DETECTORS="text=testing.failing",
        DETECTION_TASK_MAX_RETRIES="1",
        DETECTION_WORKER_METRICS_PORT=str(metrics_port),
        DETECTION_WORKER_METRICS_ADDR="127.0.0.1",
    )
    ids = [_submit(stack, token, SAMPLE_TEXT + f" Fault {i}.") for i in range(2)]
    statuses = _wait_finished(stack, ids)
    assert {s for s, _ in statuses.values()} == {"failed"}
    message = stack.pg.query(
        "SELECT error_message FROM detection_detection WHERE id::text = %s", ids[0]
    )[0][0]
    assert "RuntimeError: injected detector fault" in message
    assert stack.processes[failing].poll() is None  # the worker process is still running
    exported = requests.get(f"http://127.0.0.1:{metrics_port}/metrics", timeout=5).text
    assert 'aidetect_errors_total{type="RuntimeError",where="worker"}' in exported
    # The web's /metrics shows the worker's samples too (shared multiprocess folder).
    scraped = requests.get(
        f"{stack.base}/metrics", headers={"Authorization": "Bearer stack-metrics-token"}, timeout=5
    ).text
    assert 'aidetect_detections_total{modality="text",status="failed",verdict="none"}' in scraped
    stack.stop(failing)
    stack.start_worker()


def test_no_process_logged_a_token(stack: Stack, token: str) -> None:
    logs = stack.all_logs()
    assert logs and token not in logs and token[4:] not in logs
