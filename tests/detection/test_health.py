from __future__ import annotations

from typing import Any

import pytest


def test_health_answers_without_database(client: Any) -> None:
    response = client.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.fixture
def staff_client(client: Any, django_user_model: Any) -> Any:
    client.force_login(django_user_model.objects.create_user("ops", is_staff=True))
    return client


@pytest.mark.django_db
def test_ready_tells_anonymous_callers_the_status_only(client: Any) -> None:
    response = client.get("/ready")
    assert response.json() == {"status": "ready" if response.status_code == 200 else "unavailable"}
    body = response.content.decode()
    for secret in ("text.zero_shot", "weights", "sha256", "detectors", "vendor"):
        assert secret not in body
    assert client.get("/ready?checks=database,broker").json().keys() == {"status"}


@pytest.mark.django_db
def test_ready_details_need_staff_or_the_metrics_token(
    client: Any, django_user_model: Any, settings: Any
) -> None:
    settings.METRICS_TOKEN = ["scraper-secret"]
    as_scraper = client.get("/ready", HTTP_AUTHORIZATION="Bearer scraper-secret")
    assert "detectors" in as_scraper.json()["checks"]
    assert "checks" not in client.get("/ready", HTTP_AUTHORIZATION="Bearer wrong").json()
    client.force_login(django_user_model.objects.create_user("someone"))
    assert "checks" not in client.get("/ready").json()  # signed in is not enough


@pytest.mark.django_db
def test_ready_reports_database_broker_and_detectors(staff_client: Any) -> None:
    client = staff_client
    response = client.get("/ready")
    body = response.json()
    assert set(body["checks"]) == {"database", "broker", "detectors"}
    assert body["checks"]["database"]["ok"] is True
    assert "text.zero_shot" in body["checks"]["detectors"]["detectors"]
    assert response.status_code == (200 if body["status"] == "ready" else 503)


@pytest.mark.django_db
def test_ready_is_503_when_the_broker_is_down(
    client: Any, staff_client: Any, settings: Any
) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = staff_client.get("/ready")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["ok"] is False
    staff_client.logout()
    anonymous = client.get("/ready")
    assert anonymous.status_code == 503 and anonymous.json() == {"status": "unavailable"}
