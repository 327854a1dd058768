"""The production path end to end: daphne + Postgres + Redis + a real Celery worker.

A job submitted over HTTP is picked up by the worker from the `gpu` queue, and its
progress and result reach a WebSocket client through the Redis channel layer.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psutil
import pytest
import redis
import requests
import websockets
from django.conf import settings
from django.contrib.auth.models import User

from accounts.tokens import token_create
from detection.models import Detection
from tests.conftest import PROJECT_ROOT, SAMPLE_TEXT, redis_test_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.model,
    pytest.mark.django_db(transaction=True),
]
BIN = Path(sys.executable).parent
JOB_TIMEOUT_S = 240


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _service_env(tmp_path: Path) -> dict[str, str]:
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = dict(os.environ)
    env.update(
        DATABASE_URL=url,
        REDIS_URL=str(redis_test_url()),
        DETECTION_EXECUTOR="celery",
        MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
    )
    return env


def _wait_for(predicate: Any, timeout: float, what: str, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    tail = log.read_text()[-3000:] if log and log.exists() else ""
    raise AssertionError(f"timed out waiting for {what}\n{tail}")


class Services:
    def __init__(self, tmp_path: Path) -> None:
        self.env = _service_env(tmp_path)
        self.port = _free_port()
        self.worker_log = tmp_path / "worker.log"
        self.web_log = tmp_path / "daphne.log"
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        redis.Redis.from_url(self.env["REDIS_URL"]).flushdb()
        self.worker = self._spawn(
            [
                str(BIN / "celery"),
                "-A",
                "config",
                "worker",
                "-P",
                "prefork",
                "-c",
                "1",
                "-Q",
                "gpu,default",
                "-n",
                "itest@%h",
                "-l",
                "INFO",
                "--without-gossip",
                "--without-mingle",
            ],
            self.worker_log,
        )
        self._spawn(
            [
                str(BIN / "daphne"),
                "-b",
                "127.0.0.1",
                "-p",
                str(self.port),
                "config.asgi:application",
            ],
            self.web_log,
        )
        _wait_for(
            lambda: "ready." in self.worker_log.read_text(),
            60,
            "the Celery worker",
            self.worker_log,
        )
        _wait_for(self._web_up, 60, "daphne", self.web_log)

    def _spawn(self, argv: list[str], log: Path) -> subprocess.Popen[bytes]:
        process = subprocess.Popen(
            argv, cwd=PROJECT_ROOT, env=self.env, stdout=log.open("wb"), stderr=subprocess.STDOUT
        )
        self.processes.append(process)
        return process

    def _web_up(self) -> bool:
        try:
            return requests.get(f"{self.base}/health", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        for process in self.processes:
            process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def services(tmp_path: Path) -> Iterator[Services]:
    running = Services(tmp_path)
    try:
        running.start()
        yield running
    finally:
        running.stop()


@pytest.fixture
def raw_token(db: Any) -> str:
    user = User.objects.create_user("worker-test", password="irrelevant pass 1")
    return token_create(user=user, name="itest")[1]


def _submit(services: Services, token: str) -> str:
    response = requests.post(
        f"{services.base}/api/v1/detections/",
        json={"text": SAMPLE_TEXT},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 202, response.text
    return str(response.json()["id"])


async def _follow(services: Services, token: str, detection_id: str) -> list[dict[str, Any]]:
    url = f"ws://127.0.0.1:{services.port}/ws/detections/{detection_id}/"
    seen: list[dict[str, Any]] = []
    async with websockets.connect(
        url, additional_headers={"Authorization": f"Bearer {token}"}
    ) as ws:
        async with asyncio.timeout(JOB_TIMEOUT_S):
            while True:
                message = json.loads(await ws.recv())
                seen.append(message)
                if message["type"] == "detection.update" and message["detection"]["status"] in (
                    "completed",
                    "failed",
                ):
                    return seen


def test_job_runs_on_a_celery_worker_and_streams_to_the_websocket(
    services: Services, raw_token: str
) -> None:
    detection_id = _submit(services, raw_token)
    seen = asyncio.run(_follow(services, raw_token, detection_id))
    final = seen[-1]["detection"]
    assert final["status"] == "completed", final["error_message"]
    assert final["verdict"] in ("ai", "human", "uncertain")
    statuses = [m["detection"]["status"] for m in seen if m["type"] == "detection.update"]
    assert statuses[-1] == "completed" and len(statuses) >= 2  # a snapshot and the result at least
    row = Detection.objects.get(pk=detection_id)
    assert row.status == "completed" and row.attempts == 1


def test_job_whose_worker_process_is_killed_is_requeued_and_completes(
    services: Services, raw_token: str
) -> None:
    detection_id = _submit(services, raw_token)
    _wait_for(
        lambda: Detection.objects.get(pk=detection_id).status == "running",
        JOB_TIMEOUT_S,
        "the job to start",
        services.worker_log,
    )
    children = psutil.Process(services.worker.pid).children()
    assert children, "prefork worker has no child process"
    for child in children:
        child.kill()  # the process running the job dies mid-job
    _wait_for(
        lambda: Detection.objects.get(pk=detection_id).status in ("completed", "failed"),
        JOB_TIMEOUT_S,
        "the re-queued job to finish",
        services.worker_log,
    )
    row = Detection.objects.get(pk=detection_id)
    assert row.status == "completed", row.error_message
    assert row.attempts == 2  # ran once, was interrupted, ran again
