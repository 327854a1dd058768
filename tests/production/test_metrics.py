from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_metrics_are_closed_to_anonymous_and_non_staff(client: Client, user: User) -> None:
    assert client.get("/metrics").status_code == 403
    client.force_login(user)
    assert client.get("/metrics").status_code == 403


def test_metrics_open_to_staff_a_listed_token_or_an_allowed_network(
    client: Client, user: User, settings: Any
) -> None:
    settings.METRICS_TOKEN = ["scrape-secret-1"]
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-secret-1").status_code == 200
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.1").status_code == 403
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get("/metrics").status_code == 200


def test_metrics_report_requests_detections_durations_and_model_loads(
    admin_client: Client, api_client: APIClient, submit: Any, use_detector: Any
) -> None:
    use_detector("testing.wordstat")
    submit(api_client)
    body = admin_client.get("/metrics").content.decode()
    for expected in (
        'aidetect_http_requests_total{method="POST",status="202",view="api:detection-list"}',
        'aidetect_detections_total{modality="text",status="completed",verdict=',
        'aidetect_detector_seconds_bucket{detector="testing.wordstat"',
        'aidetect_model_load_seconds_count{detector="testing.wordstat"}',
        'aidetect_detections_submitted_total{modality="text",source="api"}',
        'aidetect_detections_pending{status="queued"}',
        'aidetect_result_cache_total{result="miss"}',
        "aidetect_live_sessions_active",
    ):
        assert expected in body, expected


def test_errors_are_counted_by_type(api_client: APIClient, submit: Any, use_detector: Any) -> None:
    from prometheus_client import REGISTRY

    use_detector("testing.broken")
    labels = {"type": "ModelUnavailable", "where": "worker"}
    before = REGISTRY.get_sample_value("aidetect_errors_total", labels) or 0
    submit(api_client)
    assert REGISTRY.get_sample_value("aidetect_errors_total", labels) == before + 1
