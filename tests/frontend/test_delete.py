from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.test import Client

from detection.models import Detection
from tests.factories import make_detection

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_delete_asks_for_confirmation_first(client: Client, user: User) -> None:
    detection = make_detection(user, original_name="draft.txt")
    response = client.get(f"/detections/{detection.id}/delete/")
    assert response.status_code == 200
    assert "draft.txt" in response.content.decode()
    assert Detection.objects.filter(pk=detection.pk).exists()


def test_confirmed_delete_removes_the_row_and_its_file(
    client: Client, user: User, django_capture_on_commit_callbacks: object
) -> None:
    detection = make_detection(user, modality="image", input_text="")
    detection.input_file.save("upload", ContentFile(b"\x89PNG\r\n\x1a\n data"))
    stored = detection.input_file.path
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        response = client.post(f"/detections/{detection.id}/delete/")
    assert response.status_code == 302
    assert response["Location"] == "/detections/"
    assert not Detection.objects.filter(pk=detection.pk).exists()
    import os

    assert not os.path.exists(stored)


def test_delete_returns_to_the_filtered_history_it_came_from(client: Client, user: User) -> None:
    detection = make_detection(user)
    response = client.post(
        f"/detections/{detection.id}/delete/", {"next": "/detections/?modality=text&page=2"}
    )
    assert response["Location"] == "/detections/?modality=text&page=2"


def test_delete_never_redirects_off_site_or_to_the_deleted_page(client: Client, user: User) -> None:
    first, second = make_detection(user), make_detection(user)
    off_site = client.post(f"/detections/{first.id}/delete/", {"next": "https://evil.example/"})
    assert off_site["Location"] == "/detections/"
    own_page = client.post(
        f"/detections/{second.id}/delete/", {"next": f"/detections/{second.id}/"}
    )
    assert own_page["Location"] == "/detections/"


def test_another_users_detection_cannot_be_deleted(client: Client, other_user: User) -> None:
    theirs = make_detection(other_user)
    assert client.get(f"/detections/{theirs.id}/delete/").status_code == 404
    assert client.post(f"/detections/{theirs.id}/delete/").status_code == 404
    assert Detection.objects.filter(pk=theirs.pk).exists()


def test_delete_without_csrf_token_is_refused(user: User) -> None:
    detection = make_detection(user)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.post(f"/detections/{detection.id}/delete/").status_code == 403
    assert Detection.objects.filter(pk=detection.pk).exists()
