"""Hostile bodies get a JSON 4xx on every JSON endpoint, and keep WebSockets open.

Deep nesting used to overflow the JSON decoder (a 500 with a traceback; 1011 on a socket)
and a body over DATA_UPLOAD_MAX_MEMORY_SIZE got Django's HTML 400.
"""

from __future__ import annotations

from typing import Any

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from accounts.tokens import token_create
from config.asgi import application
from detection.models import Detection
from tests.factories import make_detection

pytestmark = pytest.mark.django_db
JSON_ENDPOINTS = ["/api/v1/detections/", "/api/v1/detections/batch/", "/api/v1/tokens/"]
DEEP = "[" * 1000 + "]" * 1000  # 2 KB
NOT_SO_DEEP = '{"text": ' + "[" * 100 + '"x"' + "]" * 100 + "}"  # parses, but 101 levels


def _json_error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] and error["message"]
    return dict(error)


@pytest.mark.parametrize("url", JSON_ENDPOINTS)
@pytest.mark.parametrize("body", [DEEP, NOT_SO_DEEP], ids=["depth-1000", "depth-101"])
def test_deeply_nested_json_is_a_json_400(api_client: APIClient, url: str, body: str) -> None:
    response = api_client.post(url, data=body, content_type="application/json")
    error = _json_error(response, 400)
    assert error["code"] == "malformed_request" and "nested" in error["message"]
    assert not Detection.objects.exists()


def test_a_json_body_over_the_size_limit_is_a_json_413(
    api_client: APIClient, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    body = '{"text": "' + "word " * 20_000 + '"}'
    error = _json_error(
        api_client.post("/api/v1/detections/", data=body, content_type="application/json"), 413
    )
    assert error["code"] == "too_large"


def test_multipart_fields_over_the_size_limit_are_a_json_413(
    api_client: APIClient, settings: Any
) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024
    response = api_client.post(
        "/api/v1/detections/", {"text": "word " * 20_000}, format="multipart"
    )
    assert _json_error(response, 413)["code"] == "too_large"


def test_too_many_form_fields_are_a_json_400(api_client: APIClient, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 10
    response = api_client.post(
        "/api/v1/detections/batch/", {"texts": [f"t{i}" for i in range(20)]}, format="multipart"
    )
    assert _json_error(response, 400)["code"] == "malformed_request"


@pytest.fixture
def bearer(user: User) -> list[tuple[bytes, bytes]]:
    _, raw = token_create(user=user, name="ws")
    return [(b"authorization", f"Bearer {raw}".encode())]


async def _still_answers(communicator: WebsocketCommunicator, message: dict[str, Any]) -> Any:
    await communicator.send_to(text_data=DEEP)
    refused = await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to(message)  # the socket is still open and working
    answer = await communicator.receive_json_from(timeout=5)
    await communicator.disconnect()
    return refused, answer


@pytest.mark.django_db(transaction=True)
async def test_deep_json_on_the_text_stream_is_an_error_message_not_a_1011(
    bearer: list[tuple[bytes, bytes]],
) -> None:
    communicator = WebsocketCommunicator(application, "/ws/text/stream/", headers=bearer)
    assert (await communicator.connect(timeout=5))[0]
    assert (await communicator.receive_json_from())["type"] == "ready"
    refused, answer = await _still_answers(communicator, {"type": "nonsense"})
    assert refused["type"] == "error" and "nested" in refused["message"]
    assert answer["type"] == "error"


@pytest.mark.django_db(transaction=True)
async def test_deep_json_on_the_job_socket_is_an_error_message(
    user: User, bearer: list[tuple[bytes, bytes]]
) -> None:
    detection = await database_sync_to_async(make_detection)(user)
    communicator = WebsocketCommunicator(
        application, f"/ws/detections/{detection.pk}/", headers=bearer
    )
    assert (await communicator.connect(timeout=5))[0]
    await communicator.receive_json_from()  # the snapshot
    refused, answer = await _still_answers(communicator, {"type": "refresh"})
    assert refused["type"] == "error" and "nested" in refused["message"]
    assert answer["type"] == "detection.update"


@pytest.mark.django_db(transaction=True)
async def test_deep_json_on_the_live_socket_is_a_live_error(
    bearer: list[tuple[bytes, bytes]],
) -> None:
    communicator = WebsocketCommunicator(application, "/ws/live/", headers=bearer)
    assert (await communicator.connect(timeout=5))[0]
    refused, answer = await _still_answers(communicator, {"type": "dance"})
    assert refused["type"] == "live.error" and refused["code"] == "bad_request"
    assert answer["type"] == "live.error"
