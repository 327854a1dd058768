"""Fixtures for the production-readiness tests (tests that start real processes live in
the ``stack`` marker; see stack.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from detection.engine import registry

TESTING_SPECS = "tests.production.detectors"


def pytest_configure(config: Any) -> None:
    config.addinivalue_line(
        "markers",
        "stack: starts its own Postgres cluster / redis-server / daphne / Celery worker "
        "processes on free local ports (about 10-60 s each)",
    )


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    cache.clear()  # rate-limit counters and circuit state must not leak between tests
    yield
    cache.clear()


@pytest.fixture
def use_detector(engine_env: Any) -> Iterator[Any]:
    """Make a test detector the default for text: ``use_detector("testing.failing")``."""
    engine_env(**{registry.EXTRA_SPECS_ENV: TESTING_SPECS})

    def choose(name: str) -> str:
        engine_env(**{registry.DEFAULTS_ENV: f"text={name}"})
        return name

    yield choose
    for name in registry.loaded_detectors():
        if name.startswith("testing."):
            registry.unload(name)


@pytest.fixture
def submit(django_capture_on_commit_callbacks: Any) -> Any:
    """POST a text and run its job at once (inline executor); returns the stored row."""
    from detection.models import Detection
    from tests.conftest import SAMPLE_TEXT

    def run(client: Any, text: str = SAMPLE_TEXT) -> Detection:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post("/api/v1/detections/", {"text": text}, format="json")
            assert response.status_code == 202, response.content
        return Detection.objects.get(pk=response.json()["id"])

    return run
