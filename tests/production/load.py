"""Concurrent API clients for the fault tests and bench/api_load.py (loopback only)."""

from __future__ import annotations

import itertools
import statistics
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests


@dataclass
class Submission:
    at: float  # seconds since the run started
    status: int  # HTTP status, 0 when the connection failed
    latency_s: float
    detection_id: str | None = None


@dataclass
class LoadRun:
    base: str
    tokens: list[str]
    texts: Callable[[], Iterator[str | Path]]  # a text, or a file to upload
    clients: int = 4
    duration_s: float = 5.0
    pause_s: float = 0.0
    # Closed loop: each client waits for its job to finish before sending the next, so the
    # run measures throughput at `clients` jobs in flight instead of piling up a backlog.
    wait_for_result: bool = False
    result_timeout_s: float = 300.0
    max_jobs: int | None = None  # stop after this many submissions in all
    finished: dict[str, tuple[str, float]] = field(default_factory=dict)  # id -> (status, at)
    submissions: list[Submission] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _sent: int = 0

    def run(self) -> LoadRun:
        texts = self.texts()
        text_lock = threading.Lock()
        start = time.monotonic()
        deadline = start + self.duration_s

        def client(index: int) -> None:
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer {self.tokens[index % len(self.tokens)]}"
            while time.monotonic() < deadline:
                with text_lock:
                    if self.max_jobs is not None and self._sent >= self.max_jobs:
                        return
                    self._sent += 1
                    text = next(texts)
                sent = time.monotonic()
                try:
                    response = self._post(session, text)
                    status = response.status_code
                    body: dict[str, Any] = response.json() if status == 202 else {}
                except (requests.RequestException, ValueError):
                    status, body = 0, {}
                    time.sleep(0.2)  # the server is restarting: do not spin
                done = time.monotonic()
                with self._lock:
                    self.submissions.append(
                        Submission(sent - start, status, done - sent, body.get("id"))
                    )
                if self.wait_for_result and body.get("id"):
                    self._follow(session, str(body["id"]), start)
                if self.pause_s:
                    time.sleep(self.pause_s)

        threads = [
            threading.Thread(target=client, args=(i,), daemon=True) for i in range(self.clients)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():  # short joins, so Ctrl-C reaches the caller's clean-up
                thread.join(0.5)
        return self

    def _post(self, session: requests.Session, item: str | Path) -> requests.Response:
        url = f"{self.base}/api/v1/detections/"
        if isinstance(item, Path):
            with item.open("rb") as fh:
                return session.post(url, files={"file": (item.name, fh)}, timeout=60)
        return session.post(url, json={"text": item}, timeout=30)

    def _follow(self, session: requests.Session, detection_id: str, start: float) -> None:
        give_up = time.monotonic() + self.result_timeout_s
        while time.monotonic() < give_up:
            try:
                response = session.get(f"{self.base}/api/v1/detections/{detection_id}/", timeout=30)
                state = response.json().get("status") if response.ok else None
            except (requests.RequestException, ValueError):
                state = None
            if state in ("completed", "failed"):
                with self._lock:
                    self.finished[detection_id] = (str(state), time.monotonic() - start)
                return
            time.sleep(0.1)

    @property
    def accepted(self) -> list[str]:
        return [s.detection_id for s in self.submissions if s.status == 202 and s.detection_id]

    def codes(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for s in self.submissions:
            counts[s.status] = counts.get(s.status, 0) + 1
        return counts

    def latency_percentiles(self) -> tuple[float, float]:
        latencies = sorted(s.latency_s for s in self.submissions if s.status == 202)
        if len(latencies) < 2:
            return (latencies[0], latencies[0]) if latencies else (0.0, 0.0)
        cuts = statistics.quantiles(latencies, n=100)
        return cuts[49], cuts[94]


def numbered_texts(base: str) -> Callable[[], Iterator[str]]:
    """Distinct texts (so the result cache does not answer them): base + a numbered line."""
    return lambda: (f"{base} Entry number {i} in the log." for i in itertools.count())
