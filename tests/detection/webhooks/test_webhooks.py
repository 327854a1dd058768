"""Signed webhooks through the API: a local receiver verifies the signature; a failing one
gets a bounded number of attempts, each logged and visible to the owner."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from rest_framework.test import APIClient

from detection.jobs import detection_fail
from detection.models import Detection
from detection.webhooks import signing
from detection.webhooks.models import Callback
from tests.conftest import SAMPLE_TEXT
from tests.detection.posts.local_server import LocalSite, local_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def site(settings: Any) -> Iterator[LocalSite]:
    settings.URL_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.WEBHOOK_BACKOFF_BASE_S = 0.01  # the inline executor sleeps the back-off
    settings.WEBHOOK_MAX_ATTEMPTS = 3
    with local_site() as served:
        yield served


def _secret(api_client: APIClient, url: str = "") -> str:
    response = api_client.put("/api/v1/webhook/", {"callback_url": url}, format="json")
    assert response.status_code == 201, response.content
    secret = response.json()["secret"]
    assert secret.startswith("whsec_")
    # Shown once: reading it back gives the URL only.
    assert "secret" not in api_client.get("/api/v1/webhook/").json()
    return secret


def _png() -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (96, 80), (30, 60, 90)).save(buf, format="PNG")
    buf.seek(0)
    buf.name = "p.png"
    return buf


def _end(detection_id: Any, capture: Any) -> None:
    with capture(execute=True):
        detection_fail(detection_id=detection_id, message="stopped for the test")


def test_webhook_reaches_a_receiver_that_verifies_the_signature(
    api_client: APIClient, site: LocalSite, django_capture_on_commit_callbacks: Any
) -> None:
    url = site.add("/hook", status=204)
    secret = _secret(api_client)
    response = api_client.post(
        "/api/v1/posts/",
        {"caption": SAMPLE_TEXT, "files": [_png()], "callback_url": url},
        format="multipart",
    )
    assert response.status_code == 202, response.content
    post_id = response.json()["id"]
    parts = [p["detection"]["id"] for p in response.json()["parts"]]
    _end(parts[0], django_capture_on_commit_callbacks)
    assert site.hits == []  # a part's end is not the post's
    _end(parts[1], django_capture_on_commit_callbacks)
    assert len(site.hits) == 1
    method, path, body, headers = site.hits[0]
    assert (method, path) == ("POST", "/hook")
    assert signing.verify(
        secret, headers["X-Aidetect-Timestamp"], body, headers["X-Aidetect-Signature"]
    )
    assert not signing.verify(
        "whsec_wrong", headers["X-Aidetect-Timestamp"], body, headers["X-Aidetect-Signature"]
    )
    event = json.loads(body)
    assert event["type"] == "post.finished" and event["post"]["id"] == post_id
    assert event["post"]["status"] == "failed"
    log = api_client.get(f"/api/v1/webhook/deliveries/?post={post_id}").json()["results"]
    assert log[0]["state"] == "delivered"
    assert [(d["number"], d["status_code"]) for d in log[0]["deliveries"]] == [(1, 204)]


def test_a_failing_receiver_gets_bounded_retries_each_logged(
    api_client: APIClient, site: LocalSite, django_capture_on_commit_callbacks: Any
) -> None:
    url = site.add("/down", status=503)
    _secret(api_client, url)  # the token's default callback
    response = api_client.post("/api/v1/detections/", {"text": SAMPLE_TEXT}, format="json")
    detection_id = response.json()["id"]
    _end(detection_id, django_capture_on_commit_callbacks)
    assert [hit[1] for hit in site.hits] == ["/down"] * 3  # WEBHOOK_MAX_ATTEMPTS
    callback = Callback.objects.get(detection_id=detection_id)
    assert callback.state == "failed" and callback.attempts == 3
    log = api_client.get(f"/api/v1/webhook/deliveries/{callback.id}/").json()["deliveries"]
    assert [d["status_code"] for d in log] == [503, 503, 503]
    assert [d["next_retry_s"] for d in log] == [0.01, 0.02, None]  # back-off doubles
    assert "503" in log[0]["error"]
    # A second end of the same job (a re-delivered message) sends nothing more.
    _end(detection_id, django_capture_on_commit_callbacks)
    assert len(site.hits) == 3


def test_a_private_callback_url_is_refused_with_a_400(api_client: APIClient) -> None:
    _secret(api_client)
    response = api_client.post(
        "/api/v1/detections/",
        {"text": SAMPLE_TEXT, "callback_url": "http://169.254.169.254/latest"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "url_refused"
    assert not Detection.objects.exists()
    put = api_client.put("/api/v1/webhook/", {"callback_url": "http://10.0.0.1/"}, format="json")
    assert put.status_code == 400


def test_a_callback_needs_a_token_secret(api_client: APIClient, site: LocalSite) -> None:
    response = api_client.post(
        "/api/v1/detections/",
        {"text": SAMPLE_TEXT, "callback_url": site.base + "/x"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "no_webhook_secret"


def test_deliveries_are_private(api_client: APIClient, other_user: Any) -> None:
    other = APIClient()
    other.force_authenticate(other_user)
    assert other.get("/api/v1/webhook/deliveries/").json()["results"] == []
    assert other.get("/api/v1/webhook/").status_code == 400  # a session has no token
