"""A daphne of the project's own on a free port, sharing the test database (PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests.conftest import PROJECT_ROOT
from tests.production.stack import free_port, wait_for


@contextmanager
def running_daphne(tmp_path: Path, **env: str) -> Iterator[int]:
    """Start daphne in embedded mode (no Redis) on the test database; yields its port."""
    db = settings.DATABASES["default"]
    if not db["ENGINE"].endswith("postgresql"):
        pytest.skip("needs PostgreSQL: daphne must share the test database")
    environment = dict(os.environ)
    environment.pop("REDIS_URL", None)
    environment.update(
        DATABASE_URL=f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        DJANGO_SETTINGS_MODULE="config.settings",
        MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONUNBUFFERED="1",
        **env,
    )
    port = free_port()
    log = tmp_path / "daphne.log"
    daphne_bin = Path(sys.executable).parent / "daphne"
    process = subprocess.Popen(
        [str(daphne_bin), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=PROJECT_ROOT,
        env=environment,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}/health"
        wait_for(lambda: requests.get(url, timeout=1).ok, 60, "daphne", log)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
