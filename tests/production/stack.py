"""A whole production stack on loopback, for fault tests and the load benchmark.

Starts its own PostgreSQL cluster (initdb into a temporary folder, another port), its own
redis-server (append-only, another port), daphne and Celery workers, all on 127.0.0.1,
so restarting Redis or Postgres here never disturbs the services other tests share.
Every process is started here and stopped by ``close()``, by its own pid.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

PROJECT_ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(
    predicate: Callable[[], bool], timeout: float, what: str, log: Path | None = None
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if predicate():
                return
        except Exception:  # noqa: S110  (not up yet)
            pass
        time.sleep(0.2)
    tail = log.read_text(errors="replace")[-4000:] if log and log.exists() else ""
    raise TimeoutError(f"timed out waiting for {what}\n{tail}")


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def missing_tools() -> str | None:
    """Why a stack cannot be started here, or None."""
    for tool in ("initdb", "pg_ctl"):
        if _pg_bin(tool) is None:
            return f"PostgreSQL server binaries ({tool}) are not installed"
    if shutil.which("redis-server") is None:
        return "redis-server is not installed"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "running as root without runuser: initdb refuses to run as root"
    return None


class Postgres:
    """A throwaway cluster owned by the postgres user when we are root (initdb refuses root)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="aidetect-pg-"))
        self.port = free_port()
        self.log = self.dir / "server.log"
        self.data = self.dir / "data"
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        initdb = _pg_bin("initdb")
        self._run([initdb, "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8"])

    def _run(self, argv: list[Any]) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *map(str, argv)], check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        pg_ctl = _pg_bin("pg_ctl")
        self._run([pg_ctl, "-D", self.data, "-o", options, "-l", self.log, "-w", "start"])

    def stop(self) -> None:
        self._run([_pg_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop"])

    def url(self, db: str = "aidetect") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def create_database(self) -> None:
        import psycopg

        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE aidetect")

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url(), connect_timeout=5) as conn:
            return list(conn.execute(sql, params).fetchall())

    def close(self) -> None:
        with contextlib.suppress(Exception):  # already stopped
            self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Redis:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="aidetect-redis-"))
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        argv = [
            "redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.dir),
            "--appendonly", "yes", "--appendfsync", "always", "--save", "", "--logfile",
            str(self.dir / "redis.log"),
        ]  # fmt: skip
        self.process = subprocess.Popen(argv)
        wait_for(lambda: self.client().ping(), 20, "redis-server")

    def client(self) -> Any:
        import redis

        return redis.Redis(port=self.port, socket_timeout=2)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()  # SIGTERM: the append-only file is flushed
            self.process.wait(timeout=20)
            self.process = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Stack:
    """Postgres + Redis + daphne + Celery workers, configured like production."""

    def __init__(self, env: dict[str, str] | None = None) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="aidetect-stack-"))
        self.extra_env = env or {}
        self.pg = Postgres()
        self.redis = Redis()
        self.web_port = free_port()
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.logs: dict[str, Path] = {}
        self.worker_count = 0
        self.worker_options: dict[str, dict[str, Any]] = {}
        self.restarts: list[str] = []  # workers that exited on their own and were restarted
        self._supervising = threading.Event()

    # --- set-up ------------------------------------------------------------------------
    def env(self, **overrides: str) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="config.settings",
            DATABASE_URL=self.pg.url(),
            REDIS_URL=self.redis.url,
            DETECTION_EXECUTOR="celery",
            SECRET_KEY="stack-test-secret-key-not-for-production-0123456789",
            AIDETECT_VAR_DIR=str(self.dir / "var"),
            MEDIA_ROOT=str(self.dir / "media"),
            STATIC_ROOT=str(self.dir / "static"),
            PROMETHEUS_MULTIPROC_DIR=str(self.dir / "metrics"),
            METRICS_TOKEN="stack-metrics-token",
            LOG_FORMAT="json",
            PYTHONUNBUFFERED="1",
            CELERY_VISIBILITY_TIMEOUT="3600",
        )
        env.update(self.extra_env)
        env.update(overrides)
        return env

    def start(self, workers: int = 1, **worker_options: Any) -> Stack:
        (self.dir / "metrics").mkdir(parents=True, exist_ok=True)
        self.pg.start()
        self.pg.create_database()
        self.redis.start()
        self.manage("migrate", "--noinput")
        for _ in range(workers):
            self.start_worker(**worker_options)
        self.start_web()
        self._supervising.set()
        threading.Thread(target=self._supervise, daemon=True).start()
        return self

    def _supervise(self) -> None:
        """Restart workers that exit on their own, as compose's `restart:` or Kubernetes
        would: Celery 5.7's worker can exit with "Unrecoverable error" when Redis vanishes
        mid-poll (a kombu race in restore_unacked_once), and production relies on that."""
        while self._supervising.is_set():
            for name, process in list(self.processes.items()):
                exited = name.startswith("worker") and process.poll() is not None
                # Still ours? kill() and stop() take a process out before ending it.
                if exited and self.processes.get(name) is process:
                    self.processes.pop(name, None)
                    self.restarts.append(name)
                    with contextlib.suppress(Exception):
                        self.start_worker(**self.worker_options[name])
            time.sleep(0.5)

    def manage(self, *args: str) -> str:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=PROJECT_ROOT,
            env=self.env(),
            capture_output=True,
            text=True,
            timeout=180,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
        return done.stdout

    def make_token(self, username: str) -> str:
        code = (
            "from django.contrib.auth.models import User;"
            "from accounts.tokens import token_create;"
            f"u=User.objects.create_user({username!r}, password='stack pass 123 !');"
            "print(token_create(user=u, name='stack')[1])"
        )
        return self.manage("shell", "-c", code).strip().splitlines()[-1]

    def _spawn(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        log = self.dir / f"{name}.log"
        self.logs[name] = log
        process = subprocess.Popen(
            argv,
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log.open("ab"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a kill reaches its children
        )
        self.processes[name] = process
        return process

    def start_web(self) -> None:
        argv = [
            str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(self.web_port),
            "--http-timeout", "60", "config.asgi:application",
        ]  # fmt: skip
        self._spawn("web", argv, self.env())
        up = lambda: requests.get(f"{self.base}/health", timeout=1).ok  # noqa: E731
        wait_for(up, 60, "daphne", self.logs["web"])

    def start_worker(self, pool: str = "threads", concurrency: int = 4, **env: str) -> str:
        self.worker_count += 1
        name = f"worker{self.worker_count}"
        self.worker_options[name] = {"pool": pool, "concurrency": concurrency, **env}
        argv = [
            str(BIN / "celery"), "-A", "config", "worker", "-P", pool, "-c", str(concurrency),
            "-Q", "gpu,default", "-n", f"{name}@%h", "--without-gossip", "--without-mingle",
            "--without-heartbeat", "-l", "INFO",
        ]  # fmt: skip
        self._spawn(name, argv, self.env(**env))
        wait_for(lambda: "ready" in self.logs[name].read_text(), 60, name, self.logs[name])
        return name

    # --- faults ------------------------------------------------------------------------
    def kill(self, name: str) -> None:
        """SIGKILL a process and its children: no clean-up, no message acknowledged."""
        process = self.processes.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)

    def stop(self, name: str) -> None:
        process = self.processes.pop(name)
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)
        except ProcessLookupError:
            pass

    # --- reading -------------------------------------------------------------------------
    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def log_lines(self, prefix: str = "") -> list[dict[str, Any]]:
        """Every JSON log line written by the processes whose name starts with ``prefix``."""
        lines: list[dict[str, Any]] = []
        for name, path in self.logs.items():
            if not name.startswith(prefix) or not path.exists():
                continue
            for raw in path.read_text(errors="replace").splitlines():
                if raw.startswith("{"):
                    try:
                        lines.append(json.loads(raw))
                    except ValueError:
                        continue
        return lines

    def all_logs(self) -> str:
        return "\n".join(p.read_text(errors="replace") for p in self.logs.values() if p.exists())

    def statuses(self, ids: list[str]) -> dict[str, tuple[str, int]]:
        rows = self.pg.query(
            "SELECT id::text, status, attempts FROM detection_detection WHERE id::text = ANY(%s)",
            ids,
        )
        return {row[0]: (row[1], row[2]) for row in rows}

    def close(self) -> None:
        self._supervising.clear()
        time.sleep(0.6)
        for name in list(self.processes):
            self.stop(name)
        self.redis.close()
        self.pg.close()
        if not os.environ.get("AIDETECT_KEEP_STACK_LOGS"):  # set it to read the logs after
            shutil.rmtree(self.dir, ignore_errors=True)
