"""Bad text through the API: a clear 4xx, or an ``uncertain`` verdict that says why.

Never a crash, and never a confident verdict on nothing.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from rest_framework.test import APIClient

from detection.engine.text.members.base import calibration_path
from detection.models import Detection
from tests.conftest import SAMPLE_TEXT

pytestmark = pytest.mark.django_db
URL = "/api/v1/detections/"


def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert "error" in body and body["error"]["message"], body
    return body["error"]


@pytest.mark.parametrize(
    "data",
    [
        b"\xff\xfe bad bytes \xc3\x28 " * 50,  # invalid UTF-8 sequences
        "Ein Text in Latin-1: Gr\xfc\xdfe aus M\xfcnchen. ".encode("latin-1") * 20,
    ],
)
def test_non_utf8_text_upload_is_a_4xx(api_client: APIClient, data: bytes) -> None:
    upload = io.BytesIO(data)
    upload.name = "notes.txt"
    response = api_client.post(URL, {"file": upload}, format="multipart")
    assert 400 <= response.status_code < 500
    assert _error(response)["message"]
    assert not Detection.objects.exists()


def test_non_utf8_json_body_is_a_400(api_client: APIClient) -> None:
    body = b'{"text": "caf\xe9 ' + b"word " * 60 + b'"}'
    response = api_client.post(URL, data=body, content_type="application/json")
    assert response.status_code == 400
    assert _error(response)["message"]


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("\x01\x02\x03\x07\x08\x0b\x0c\x0e\x1b\x7f" * 200, 400),  # control characters only
        ("\U0001f600\U0001f680\U0001f44d \u2764\ufe0f " * 100, 400),  # only emoji
        (" ".join(str(n * 7919 % 10007) for n in range(300)), 400),  # only numbers
        ("3.14159 2.71828 1.41421 -0.5772 " * 60, 400),
        ("word " * 2_100_000, 413),  # about 10 MB of text
        (SAMPLE_TEXT + "\x00", 400),
    ],
    ids=["control-chars", "emoji", "numbers", "decimals", "10MB", "nul"],
)
def test_text_with_nothing_to_judge_is_a_clear_4xx(
    api_client: APIClient, text: str, status: int
) -> None:
    response = api_client.post(URL, {"text": text}, format="json")
    assert response.status_code == status, response.content[:300]
    assert _error(response)["message"]
    assert not Detection.objects.exists()


def test_control_characters_inside_prose_are_removed_not_fatal(api_client: APIClient) -> None:
    text = SAMPLE_TEXT.replace(" ", " \x07", 5) + "\x1b\x0b"
    response = api_client.post(URL, {"text": text}, format="json")
    assert response.status_code == 202, response.content
    stored = Detection.objects.get(pk=response.json()["id"]).input_text
    assert "\x07" not in stored and "\x1b" not in stored
    assert stored.startswith("The ferry left")


@pytest.mark.model
def test_a_single_repeated_word_gets_uncertain_with_the_reason(
    api_client: APIClient, django_capture_on_commit_callbacks: Any, engine_env: Any
) -> None:
    if not calibration_path("fusion").is_file():
        pytest.skip("text ensemble not trained here (calibration/fusion.json missing)")
    engine_env(DETECTION_DEFAULT_DETECTORS="text=text.ensemble")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = api_client.post(URL, {"text": "buffalo " * 200}, format="json")
    assert response.status_code == 202, response.content
    for callback in callbacks:  # the job, as the transaction's commit would start it
        callback()
    detection = Detection.objects.get(pk=response.json()["id"])
    assert detection.status == "completed", detection.error_message
    assert detection.verdict == "uncertain"
    assert detection.probability_ai == pytest.approx(0.5)
    assert any("nothing for the models to judge" in w for w in detection.warnings)
