from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from detection.models import Detection
from tests.conftest import SAMPLE_TEXT
from tests.factories import make_detection

pytestmark = pytest.mark.django_db
URL = "/api/v1/detections/"


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert "error" in body and body["error"]["message"], body
    return body["error"]


@pytest.mark.model
def test_text_detection_runs_to_completion_with_calibrated_result(
    api_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    # The job starts when the request's transaction commits, as it would in production.
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(URL, {"text": SAMPLE_TEXT}, format="json")
    assert response.status_code == 202
    body = response.json()
    assert body["status"] == "queued" and body["modality"] == "text"
    detection = Detection.objects.get(pk=body["id"])
    assert detection.status == "completed", detection.error_message
    assert detection.source == "api"
    assert detection.verdict in ("ai", "human", "uncertain")
    assert 0.0 <= detection.probability_ai <= 1.0
    assert detection.models_used and detection.models_used[0]["id"]
    assert detection.evidence["sentences"]
    assert detection.client_address == "127.0.0.1"
    fetched = api_client.get(f"{URL}{body['id']}/").json()
    assert fetched["verdict"] == detection.verdict and fetched["finished_at"]


@pytest.mark.model
def test_text_file_upload_is_treated_as_text(
    api_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    upload = io.BytesIO(SAMPLE_TEXT.encode())
    upload.name = "essay.txt"
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 202, response.content
    assert Detection.objects.get(pk=response.json()["id"]).status == "completed"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({"text": ""}, 400, "text_rejected"),
        ({"text": "   \n\t "}, 400, "text_rejected"),
        ({"text": "too short to judge"}, 400, "text_rejected"),
        ({"text": "x" * 100_001}, 413, "too_large"),
        ({}, 400, "invalid"),
        ({"text": 5}, 400, "text_rejected"),
        ({"text": SAMPLE_TEXT + "\x00"}, 400, "invalid"),
    ],
)
def test_bad_text_gets_a_clear_4xx(
    api_client: APIClient, payload: dict[str, Any], status: int, code: str
) -> None:
    response = api_client.post(URL, payload, format="json")
    assert response.status_code == status
    assert _error(response)["code"] == code
    assert not Detection.objects.exists()


def test_malformed_json_is_a_400(api_client: APIClient) -> None:
    response = api_client.post(URL, data=b'{"text": ', content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["code"] == "malformed_request"


def test_non_utf8_upload_is_rejected_as_unsupported(api_client: APIClient) -> None:
    upload = io.BytesIO(b"\xff\xfe\x00bad" * 100)
    upload.name = "notes.txt"
    response = api_client.post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 415
    assert "unsupported file type" in _error(response)["message"]


def test_file_whose_bytes_are_not_media_is_rejected_whatever_its_name(
    api_client: APIClient,
) -> None:
    upload = io.BytesIO(b"\x00\x01\x02\x03" * 64)
    upload.name = "photo.png"
    assert api_client.post(URL, {"file": upload}, format="multipart").status_code == 415


def test_empty_file_is_a_400(api_client: APIClient) -> None:
    upload = io.BytesIO(b"")
    upload.name = "empty.wav"
    response = api_client.post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 400


def test_upload_over_the_size_limit_is_413(api_client: APIClient, settings: Any) -> None:
    settings.DETECTION_MAX_UPLOAD_BYTES = 1000
    upload = io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"\0" * 2000)
    upload.name = "big.png"
    response = api_client.post(URL, {"file": upload}, format="multipart")
    assert response.status_code == 413
    assert _error(response)["code"] == "too_large"


def test_text_and_file_together_is_a_400(api_client: APIClient) -> None:
    upload = io.BytesIO(SAMPLE_TEXT.encode())
    upload.name = "a.txt"
    response = api_client.post(URL, {"file": upload, "text": SAMPLE_TEXT}, format="multipart")
    assert response.status_code == 400


def test_unknown_and_malformed_ids_are_404(api_client: APIClient) -> None:
    assert api_client.get(f"{URL}00000000-0000-0000-0000-000000000000/").status_code == 404
    response = api_client.get(f"{URL}not-a-uuid/")
    assert response.status_code == 404
    assert _error(response)["code"] == "not_found"


def test_another_users_detection_is_404_for_read_and_delete(
    api_client: APIClient, other_user: User
) -> None:
    theirs = make_detection(other_user)
    assert api_client.get(f"{URL}{theirs.id}/").status_code == 404
    assert api_client.delete(f"{URL}{theirs.id}/").status_code == 404
    assert Detection.objects.filter(pk=theirs.id).exists()


def test_unauthenticated_requests_are_401(user: User) -> None:
    detection = make_detection(user)
    client = APIClient()
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}{detection.id}/").status_code == 401
    assert client.post(URL, {"text": SAMPLE_TEXT}, format="json").status_code == 401
    assert client.delete(f"{URL}{detection.id}/").status_code == 401


def test_list_is_paginated_and_filtered(
    api_client: APIClient, user: User, other_user: User
) -> None:
    for i in range(25):
        make_detection(user, input_text=f"text {i}", verdict="ai" if i % 5 == 0 else "human")
    make_detection(user, modality="image", input_text="img", content_type="image/png")
    make_detection(other_user, input_text="not mine")
    first = api_client.get(URL).json()
    assert first["count"] == 26 and len(first["results"]) == 20 and first["next"]
    assert api_client.get(URL, {"verdict": "ai"}).json()["count"] == 5
    assert api_client.get(URL, {"modality": "image"}).json()["count"] == 1
    assert api_client.get(URL, {"created_after": "2000-01-01"}).json()["count"] == 26
    assert api_client.get(URL, {"created_before": "2000-01-01"}).json()["count"] == 0
    assert api_client.get(URL, {"verdict": "robot"}).status_code == 400
    assert api_client.get(URL, {"created_after": "yesterday"}).status_code == 400


def test_delete_removes_the_detection(api_client: APIClient, user: User) -> None:
    detection = make_detection(user)
    assert api_client.delete(f"{URL}{detection.id}/").status_code == 204
    assert not Detection.objects.filter(pk=detection.id).exists()


@pytest.mark.model
def test_batch_of_texts_makes_one_job_each(
    api_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    texts = [SAMPLE_TEXT, SAMPLE_TEXT.replace("ferry", "train")]
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(f"{URL}batch/", {"texts": texts}, format="json")
    assert response.status_code == 202
    ids = [item["id"] for item in response.json()]
    assert len(set(ids)) == 2
    assert set(Detection.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
        "completed"
    }


def test_batch_with_one_bad_item_queues_nothing(api_client: APIClient) -> None:
    response = api_client.post(f"{URL}batch/", {"texts": [SAMPLE_TEXT, "short"]}, format="json")
    assert response.status_code == 400
    assert _error(response)["message"].startswith("item 1:")
    assert not Detection.objects.exists()


def test_batch_limits(api_client: APIClient, settings: Any) -> None:
    settings.DETECTION_MAX_BATCH_ITEMS = 2
    assert (
        api_client.post(f"{URL}batch/", {"texts": [SAMPLE_TEXT] * 3}, format="json").status_code
        == 413
    )
    assert api_client.post(f"{URL}batch/", {"texts": []}, format="json").status_code == 400
    assert (
        api_client.post(f"{URL}batch/", {"texts": "not a list"}, format="json").status_code == 400
    )


def test_openapi_schema_and_docs_are_served(client: Any) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    assert "/api/v1/detections/" in schema.json()["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200 and b"swagger" in docs.content.lower()
    assert b"cdn" not in docs.content.lower()
