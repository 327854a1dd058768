"""Browser end-to-end fixtures: a real daphne server in embedded mode (its own SQLite file
and media folder, jobs on its worker thread, WebSockets through the in-memory layer) and
Debian's Chromium driven by Playwright.

Screenshots go to ``test-artifacts/`` (or ``$E2E_ARTIFACTS``) so a person can look at them.
Live-check tests can reuse ``e2e_server`` and ``playwright`` and launch their own browser
with ``launch_chromium(playwright, extra_args=[...])`` (fake camera and microphone flags).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import PROJECT_ROOT

BIN = Path(sys.executable).parent
CHROMIUM = Path(os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium"))
# From /work/shared/TESTING.md: what Debian's Chromium needs to run headless in CI.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 60
# Variables that would switch the server out of embedded mode (set by .ci/test).
PRODUCTION_ENV = ("DATABASE_URL", "REDIS_URL", "TEST_REDIS_URL", "DETECTION_EXECUTOR")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class E2EServer:
    url: str
    env: dict[str, str]
    var_dir: Path
    log: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    def manage(self, *args: str, timeout: float = 120) -> str:
        """Run a management command against the server's own database."""
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def shell(self, code: str) -> str:
        return self.manage("shell", "-c", code)

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def _server_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV}
    env.update(
        AIDETECT_VAR_DIR=str(var_dir),
        MEDIA_ROOT=str(var_dir / "media"),
        STATIC_ROOT=str(var_dir / "static"),
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
        DEBUG="false",
        # One language-model window per forward pass (the default is 8): the same scores,
        # but a long text's progress then moves per window, which the progress test reads.
        DETECTION_TEXT_BATCH="1",
    )
    return env


@pytest.fixture(scope="session")
def e2e_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[E2EServer]:
    var_dir = tmp_path_factory.mktemp("e2e-server")
    port = _free_port()
    server = E2EServer(
        url=f"http://127.0.0.1:{port}",
        env=_server_env(var_dir),
        var_dir=var_dir,
        log=var_dir / "daphne.log",
    )
    server.manage("migrate", "--noinput")
    with server.log.open("wb") as log:
        server.process = subprocess.Popen(
            [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
            cwd=PROJECT_ROOT,
            env=server.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if server.process.poll() is not None:
                raise AssertionError(f"daphne exited at start:\n{server.log_tail()}")
            try:
                if requests.get(f"{server.url}/health", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"daphne did not answer /health:\n{server.log_tail()}")
            time.sleep(0.2)
        yield server
    finally:
        os.killpg(server.process.pid, signal.SIGTERM)
        try:
            server.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.process.pid, signal.SIGKILL)
            server.process.wait()
        artifacts = artifacts_dir()
        shutil.copy(server.log, artifacts / "daphne.log")


def artifacts_dir() -> Path:
    path = Path(os.environ.get("E2E_ARTIFACTS") or PROJECT_ROOT / "test-artifacts")
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture(scope="session")
def artifacts() -> Path:
    return artifacts_dir()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    if not CHROMIUM.exists():
        pytest.skip(f"needs Chromium at {CHROMIUM}: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


def launch_chromium(pw: Any, home: Path, extra_args: list[str] | None = None) -> Any:
    # HOME in a temporary folder keeps Chromium's profile files out of the tree.
    return pw.chromium.launch(
        executable_path=str(CHROMIUM),
        headless=True,
        args=[*CHROMIUM_ARGS, *(extra_args or [])],
        env={**os.environ, "HOME": str(home)},
    )


@pytest.fixture(scope="session")
def browser(playwright: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    instance = launch_chromium(playwright, tmp_path_factory.mktemp("chromium-home"))
    yield instance
    instance.close()


class PageErrors(list[str]):
    """Uncaught exceptions and console errors of a page; a test ends by asserting none."""

    def attach(self, page: Any) -> Any:
        page.on("pageerror", lambda exc: self.append(f"pageerror: {exc}"))
        page.on(
            "console",
            lambda msg: (
                self.append(f"console.{msg.type}: {msg.text}") if msg.type == "error" else None
            ),
        )
        return page


def shoot(page: Any, name: str, *, full_page: bool = True) -> Path:
    path = artifacts_dir() / f"{re.sub(r'[^a-z0-9_-]+', '-', name.lower())}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path
