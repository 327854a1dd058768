from __future__ import annotations

from typing import Any

import pytest


def test_health_answers_without_database(client: Any) -> None:
    response = client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_ready_reports_database_broker_and_detectors(client: Any) -> None:
    response = client.get("/ready")
    body = response.json()
    assert set(body["checks"]) == {"database", "broker", "detectors"}
    assert body["checks"]["database"]["ok"] is True
    assert "text.zero_shot" in body["checks"]["detectors"]["detectors"]
    assert response.status_code == (200 if body["status"] == "ready" else 503)


@pytest.mark.django_db
def test_ready_is_503_when_the_broker_is_down(client: Any, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
