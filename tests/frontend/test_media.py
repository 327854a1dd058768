from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client

from detection.models import Detection
from tests.factories import make_detection

pytestmark = pytest.mark.django_db

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _with_file(owner: User, content_type: str = "image/png", data: bytes = PNG_BYTES) -> Detection:
    detection = make_detection(
        owner, modality="image", content_type=content_type, input_text="", size_bytes=len(data)
    )
    detection.input_file.save("upload", ContentFile(data))
    return detection


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_owner_gets_the_uploaded_file_inline_with_its_sniffed_type(user: User) -> None:
    detection = _with_file(user)
    response = _client(user).get(f"/detections/{detection.id}/media")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_another_users_media_is_not_found(user: User, other_user: User) -> None:
    detection = _with_file(user)
    assert _client(other_user).get(f"/detections/{detection.id}/media").status_code == 404


def test_anonymous_visitor_is_sent_to_login(user: User) -> None:
    detection = _with_file(user)
    response = Client().get(f"/detections/{detection.id}/media")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_text_detection_has_no_media(user: User) -> None:
    detection = make_detection(user)
    assert _client(user).get(f"/detections/{detection.id}/media").status_code == 404


def test_a_byte_range_is_answered_with_206_so_players_can_seek(user: User) -> None:
    detection = _with_file(user, "audio/wav")
    response = _client(user).get(f"/detections/{detection.id}/media", HTTP_RANGE="bytes=10-19")
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 10-19/{len(PNG_BYTES)}"
    assert b"".join(response.streaming_content) == PNG_BYTES[10:20]
    tail = _client(user).get(f"/detections/{detection.id}/media", HTTP_RANGE="bytes=-5")
    assert b"".join(tail.streaming_content) == PNG_BYTES[-5:]


def test_an_unsatisfiable_range_is_refused_with_416(user: User) -> None:
    detection = _with_file(user)
    response = _client(user).get(
        f"/detections/{detection.id}/media", HTTP_RANGE=f"bytes={len(PNG_BYTES) + 5}-"
    )
    assert response.status_code == 416
    assert response["Content-Range"] == f"bytes */{len(PNG_BYTES)}"


def test_a_type_the_browser_would_not_show_inline_is_a_download(user: User) -> None:
    detection = _with_file(user, "application/x-unknown")
    response = _client(user).get(f"/detections/{detection.id}/media")
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")


def test_result_page_links_the_media_only_for_files_it_can_show(user: User) -> None:
    with_file = _with_file(user)
    page = _client(user).get(f"/detections/{with_file.id}/")
    assert f'data-media-url="/detections/{with_file.id}/media"' in page.content.decode()
    text = make_detection(user)
    page = _client(user).get(f"/detections/{text.id}/")
    assert 'data-media-url=""' in page.content.decode()
