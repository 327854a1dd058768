"""Shared fixtures. Which services the run has is printed in the report header, and tests
that need a missing one are skipped with that reason."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from accounts.tokens import token_create
from detection.engine import settings as engine_settings
from detection.engine.settings import EngineSettings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("AIDETECT_SHARED_DIR", PROJECT_ROOT.parent / "shared"))

# An original paragraph (written for these tests), long enough for the text detector.
SAMPLE_TEXT = (
    "The ferry left the harbour twenty minutes late because a delivery van had parked across "
    "the loading ramp, and the driver could not be found. Passengers waited on the quay with "
    "coffee going cold in paper cups, while a crew member phoned the depot and two gulls fought "
    "over a dropped sandwich. When the van finally moved, the captain sounded the horn twice, "
    "as if to scold the whole town."
)


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def postgres_configured() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith("postgres")


def redis_test_url() -> str | None:
    """Redis for integration tests (set by .ci/test when one answers); None otherwise."""
    url = os.environ.get("TEST_REDIS_URL")
    return url or None


def pytest_report_header(config: Any) -> list[str]:
    from django.conf import settings

    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    redis = redis_test_url()
    no_pg = " (PostgreSQL not configured by DATABASE_URL: 'postgres' tests are skipped)"
    no_redis = "not configured (TEST_REDIS_URL unset): worker integration tests are skipped"
    no_shared = "absent: tests that need ../shared are skipped"
    lines = [
        f"database: {db}" + ("" if postgres_configured() else no_pg),
        f"redis: {redis or no_redis}",
        f"shared data/weights: {SHARED if SHARED.is_dir() else no_shared}",
    ]
    return lines


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: DATABASE_URL is not a postgres:// URL")
    skip_redis = pytest.mark.skip(reason="needs Redis: TEST_REDIS_URL is not set")
    for item in items:
        if "postgres" in item.keywords and not postgres_configured():
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not redis_test_url():
            item.add_marker(skip_redis)


@pytest.fixture(autouse=True)
def _isolated_settings(settings: Any, tmp_path: Path) -> None:
    from django.core.cache import cache

    cache.clear()  # rate-limit and lock-out counters of one test must not reach the next
    settings.MEDIA_ROOT = tmp_path / "media"
    # Jobs run synchronously after commit unless a test asks for a real worker.
    settings.DETECTION_EXECUTOR = "inline"
    # No background sweep of job leases in the test process (tests that need one start it).
    settings.DETECTION_SWEEP_INTERVAL_S = 0
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.fixture(autouse=True)
def _fresh_engine_settings() -> Iterator[None]:
    # Torn down after monkeypatch restores the environment: the next test's engine reads
    # the restored variables, never a previous test's settings.
    yield
    engine_settings.use(None)


@pytest.fixture
def engine_env(monkeypatch: pytest.MonkeyPatch) -> Callable[..., EngineSettings]:
    """Set engine variables for one test: ``engine_env(DETECTION_IMAGE_MAX_PIXELS="100")``.

    The variables are set in the environment too (so worker subprocesses see them), and
    the engine reads its settings again on next use.
    """

    def apply(**variables: str) -> EngineSettings:
        for name, value in variables.items():
            monkeypatch.setenv(name, value)
        engine_settings.use(None)
        return engine_settings.current()

    return apply


@pytest.fixture
def user(db: Any) -> User:
    return User.objects.create_user("alice", "alice@example.org", "correct horse battery")


@pytest.fixture
def other_user(db: Any) -> User:
    return User.objects.create_user("mallory", "mallory@example.org", "another long secret")


@pytest.fixture
def token(user: User) -> str:
    _, raw = token_create(user=user, name="tests")
    return raw


@pytest.fixture
def api_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"needs the shared data folder at {SHARED} (absent)")
    return SHARED
