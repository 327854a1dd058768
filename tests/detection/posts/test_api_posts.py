"""Posts through the API, without models: parts are queued on the ordinary path and their
rows are then finished (or failed) by the real services, as a worker would."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from django.contrib.auth.models import User
from PIL import Image
from rest_framework.test import APIClient

from detection.jobs import detection_fail
from detection.models import Detection, Post
from tests.conftest import SAMPLE_TEXT

pytestmark = pytest.mark.django_db
URL = "/api/v1/posts/"


def png(name: str = "photo.png", colour: tuple[int, int, int] = (200, 40, 40)) -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (96, 80), colour).save(buf, format="PNG")
    buf.seek(0)
    buf.name = name
    return buf


def _finish(detection_id: Any, verdict: str, probability: float) -> None:
    detection = Detection.objects.get(pk=detection_id)
    detection.status, detection.verdict, detection.probability_ai = (
        "completed",
        verdict,
        probability,
    )
    detection.save()  # the worker's save; the post follows through its signal


def _create(api_client: APIClient, **extra: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {"caption": SAMPLE_TEXT, "files": [png("a.png"), png("b.png")]}
    payload.update(extra)
    response = api_client.post(URL, payload, format="multipart")
    assert response.status_code == 202, response.content
    return response.json()


def test_post_creates_one_queued_detection_per_part(api_client: APIClient) -> None:
    body = _create(api_client)
    assert body["status"] == "queued"
    roles = [(p["index"], p["role"], p["detection"]["modality"]) for p in body["parts"]]
    assert roles == [(0, "caption", "text"), (1, "file", "image"), (2, "file", "image")]
    assert all(p["detection"]["status"] == "queued" for p in body["parts"])
    assert Detection.objects.count() == 3
    assert body["evidence"]["fusion"]["learned"] is False


def test_fused_verdict_and_disagreement_follow_the_parts(api_client: APIClient) -> None:
    body = _create(api_client)
    ids = [p["detection"]["id"] for p in body["parts"]]
    _finish(ids[0], "human", 0.05)
    mid = api_client.get(f"{URL}{body['id']}/").json()
    assert mid["status"] == "running" and mid["verdict"] == ""
    _finish(ids[1], "ai", 0.97)
    _finish(ids[2], "human", 0.1)
    done = api_client.get(f"{URL}{body['id']}/").json()
    assert done["status"] == "completed"
    assert done["verdict"] == "ai" and done["probability_ai"] == pytest.approx(0.97)
    assert "any part" in done["evidence"]["fusion"]["description"]
    pairs = {tuple(d["parts"]) for d in done["evidence"]["disagreements"]}
    assert pairs == {(1, 0), (1, 2)}
    assert done["finished_at"]


def test_all_human_parts_make_a_human_post(api_client: APIClient) -> None:
    body = _create(api_client)
    for part in body["parts"]:
        _finish(part["detection"]["id"], "human", 0.2)
    done = api_client.get(f"{URL}{body['id']}/").json()
    assert (done["status"], done["verdict"]) == ("completed", "human")
    assert done["evidence"]["disagreements"] == []


def test_a_failing_part_leaves_the_post_completed_with_errors(api_client: APIClient) -> None:
    body = _create(api_client)
    ids = [p["detection"]["id"] for p in body["parts"]]
    _finish(ids[0], "human", 0.1)
    _finish(ids[1], "human", 0.1)
    detection_fail(detection_id=ids[2], message="the image could not be decoded")
    done = api_client.get(f"{URL}{body['id']}/").json()
    assert done["status"] == "completed_with_errors"
    # A part that could not be checked could be the AI one: never "human" then.
    assert done["verdict"] == "uncertain"
    assert done["evidence"]["errors"] == [
        {"part": 2, "modality": "image", "reason": "the image could not be decoded"}
    ]


def test_every_part_failing_fails_the_post(api_client: APIClient) -> None:
    body = _create(api_client, caption="")
    for part in body["parts"]:
        detection_fail(detection_id=part["detection"]["id"], message="worker lost")
    done = api_client.get(f"{URL}{body['id']}/").json()
    assert done["status"] == "failed" and done["verdict"] == ""


def test_json_post_with_caption_and_texts(api_client: APIClient) -> None:
    response = api_client.post(
        URL, {"caption": SAMPLE_TEXT, "texts": [SAMPLE_TEXT + " Again."]}, format="json"
    )
    assert response.status_code == 202, response.content
    assert [p["role"] for p in response.json()["parts"]] == ["caption", "text"]


def test_short_caption_is_kept_but_not_judged(api_client: APIClient) -> None:
    body = _create(api_client, caption="sunset at the pier")
    post = Post.objects.get(pk=body["id"])
    assert post.caption == "sunset at the pier"
    assert [p["role"] for p in body["parts"]] == ["file", "file"]
    assert body["evidence"]["skipped"][0]["role"] == "caption"


@pytest.mark.parametrize(
    ("payload", "status", "code"),
    [
        ({}, 400, "empty_post"),
        ({"caption": "too short"}, 400, "empty_post"),
        ({"caption": 5}, 400, "invalid_input"),
        ({"texts": "not a list"}, 400, "invalid_input"),
        ({"texts": ["short"]}, 400, "text_rejected"),
    ],
)
def test_bad_json_posts_get_a_clear_4xx(
    api_client: APIClient, payload: dict[str, Any], status: int, code: str
) -> None:
    response = api_client.post(URL, payload, format="json")
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    assert not Post.objects.exists() and not Detection.objects.exists()


def test_too_many_parts_is_a_413(api_client: APIClient, settings: Any) -> None:
    settings.POST_MAX_PARTS = 2
    response = api_client.post(
        URL, {"caption": SAMPLE_TEXT, "files": [png(), png()]}, format="multipart"
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_many_parts"
    assert "at most 2 parts" in response.json()["error"]["message"]
    assert not Detection.objects.exists()


def test_total_bytes_over_the_limit_is_a_413(api_client: APIClient, settings: Any) -> None:
    settings.POST_MAX_TOTAL_BYTES = 300
    response = api_client.post(URL, {"files": [png(), png()]}, format="multipart")
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"


def test_a_bad_file_rejects_the_whole_post_naming_the_part(api_client: APIClient) -> None:
    bad = io.BytesIO(b"\x00\x01 not media at all \xff" * 10)
    bad.name = "x.bin"
    response = api_client.post(URL, {"files": [png(), bad]}, format="multipart")
    assert response.status_code == 415
    assert response.json()["error"]["message"].startswith("part 1:")
    assert not Post.objects.exists() and not Detection.objects.exists()


def test_posts_are_listed_and_private(api_client: APIClient, other_user: User, token: str) -> None:
    body = _create(api_client)
    listed = api_client.get(URL).json()
    assert [p["id"] for p in listed["results"]] == [body["id"]]
    other = APIClient()
    other.force_authenticate(other_user)
    assert other.get(f"{URL}{body['id']}/").status_code == 404
    assert other.delete(f"{URL}{body['id']}/").status_code == 404
    assert other.get(URL).json()["results"] == []


def test_deleting_a_post_removes_every_part(
    api_client: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    body = _create(api_client)
    files = [d.input_file.path for d in Detection.objects.exclude(input_file="")]
    assert len(files) == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert api_client.delete(f"{URL}{body['id']}/").status_code == 204
    assert not Post.objects.exists() and not Detection.objects.exists()
    assert not any(os.path.exists(f) for f in files)


def test_posts_are_in_the_openapi_schema(api_client: APIClient) -> None:
    schema = api_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    assert "/api/v1/posts/" in schema["paths"]
    assert "post" in schema["paths"]["/api/v1/posts/"]


def test_posts_are_listed_on_the_history_page(api_client: APIClient, user: User) -> None:
    from django.test import Client

    body = _create(api_client)
    browser = Client()
    browser.force_login(user)
    html = browser.get("/detections/").content.decode()
    assert f'href="/posts/{body["id"]}/"' in html and "3 parts" in html
    page = browser.get(f"/posts/{body['id']}/")
    assert page.status_code == 200 and b'id="post-view"' in page.content


def test_admin_shows_a_post_with_its_parts_and_logs_the_view(
    api_client: APIClient, admin_client: Any
) -> None:
    from detection.models import AuditLogEntry

    body = _create(api_client)
    page = admin_client.get(f"/admin/detection/post/{body['id']}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    for part in body["parts"]:
        assert part["detection"]["id"] in html
    entry = AuditLogEntry.objects.get(action="view")
    assert entry.detail["post"] == body["id"]
    assert sorted(entry.detail["parts"]) == sorted(p["detection"]["id"] for p in body["parts"])
