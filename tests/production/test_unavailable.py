"""Outages of the database or the broker answer 503 with Retry-After (failure injection
by patching; the real restarts are in test_stack_faults.py)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import OperationalError
from kombu.exceptions import OperationalError as BrokerError
from rest_framework.test import APIClient

from detection.models import Detection
from detection.services import _check_duration
from detection.validation import InputError, ValidatedInput
from tests.conftest import SAMPLE_TEXT

pytestmark = pytest.mark.django_db
URL = "/api/v1/detections/"


def test_database_error_answers_503_with_retry_after(
    api_client: APIClient, monkeypatch: Any
) -> None:
    from detection.api.views import DetectionViewSet

    def down(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(DetectionViewSet, "get_queryset", down)
    response = api_client.get(URL)
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json()["error"]["code"] == "service_unavailable"


@pytest.mark.django_db(transaction=True)  # on_commit fires inside the request, as in production
def test_broker_down_at_submit_answers_503_and_leaves_no_orphan_row(
    api_client: APIClient, settings: Any, monkeypatch: Any, use_detector: Any
) -> None:
    use_detector("testing.wordstat")
    from detection.tasks import run_detection

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise BrokerError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    settings.DETECTION_EXECUTOR = "celery"
    monkeypatch.setattr(run_detection, "apply_async", refuse)
    response = api_client.post(URL, {"text": SAMPLE_TEXT}, format="json")
    assert response.status_code == 503, response.content
    assert Detection.objects.count() == 0  # the client's retry will be the only job


def test_media_longer_than_the_limit_is_refused(settings: Any) -> None:
    settings.DETECTION_MAX_MEDIA_SECONDS = 60
    validated = ValidatedInput("audio", "audio/wav", "0" * 64, 10, meta={"duration_s": 61.0})
    with pytest.raises(InputError) as caught:
        _check_duration(validated)
    assert caught.value.status == 413 and "limit is 60 s" in caught.value.message
    _check_duration(ValidatedInput("audio", "audio/wav", "0" * 64, 10, meta={"duration_s": 59}))
