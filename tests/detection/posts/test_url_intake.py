"""URL intake: a local page with og tags becomes a post; private addresses are refused."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from rest_framework.test import APIClient

from detection.intake import guard
from detection.models import Detection, Post
from tests.conftest import SAMPLE_TEXT

from .local_server import LocalSite, local_site

pytestmark = pytest.mark.django_db


def _png(colour: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (96, 80), colour).save(buf, format="PNG")
    return buf.getvalue()


@pytest.fixture
def site(settings: Any) -> Iterator[LocalSite]:
    settings.URL_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    settings.URL_FETCH_TIMEOUT_S = 5.0
    with local_site() as served:
        yield served


PAGE = """<!doctype html><html><head><title>Harbour news</title>
<meta property="og:title" content="Late ferry">
<meta property="og:description" content="A ferry left late.">
<meta property="og:image" content="/media/cover.png">
<script>var ignored = "this is not text of the page";</script>
</head><body><nav>Home | About</nav>
<article><p>{article}</p><img src="/media/inline.png"><img src="data:image/png;base64,AA"></article>
<img src="/media/missing.png">
</body></html>"""


def test_a_local_page_with_og_tags_becomes_a_post(api_client: APIClient, site: LocalSite) -> None:
    site.add("/media/cover.png", body=_png((250, 10, 10)), content_type="image/png")
    site.add("/media/inline.png", body=_png((10, 250, 10)), content_type="image/png")
    site.add("/story", body=PAGE.format(article=SAMPLE_TEXT).encode(), content_type="text/html")
    site.add("/go", status=302, headers={"Location": "/story"})
    response = api_client.post("/api/v1/posts/", {"url": site.base + "/go"}, format="json")
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["source_url"] == site.base + "/go"
    assert body["final_url"] == site.base + "/story"
    assert body["final_address"] == "127.0.0.1"
    assert body["title"] == "Late ferry"
    roles = [(p["role"], p["detection"]["modality"], p["source_url"]) for p in body["parts"]]
    assert roles == [
        ("text", "text", ""),
        ("media_url", "image", site.base + "/media/cover.png"),
        ("media_url", "image", site.base + "/media/inline.png"),
    ]
    article = Detection.objects.get(pk=body["parts"][0]["detection"]["id"])
    assert article.input_text.startswith("The ferry left") and "ignored" not in article.input_text
    image = Detection.objects.get(pk=body["parts"][1]["detection"]["id"])
    assert image.input_meta["final_url"] == site.base + "/media/cover.png"
    assert image.input_meta["address"] == "127.0.0.1"
    skipped = body["evidence"]["skipped"]
    assert {"role": "caption", "reason": skipped[0]["reason"]} == skipped[0]  # too short
    assert any(s.get("url", "").endswith("/missing.png") and "404" in s["reason"] for s in skipped)


def test_a_media_url_on_detections_is_fetched_and_recorded(
    api_client: APIClient, site: LocalSite
) -> None:
    url = site.add("/a.png", body=_png((1, 2, 3)), content_type="image/png")
    response = api_client.post("/api/v1/detections/", {"url": url}, format="json")
    assert response.status_code == 202, response.content
    detection = Detection.objects.get(pk=response.json()["id"])
    assert detection.modality == "image" and detection.input_meta["fetched_url"] == url


def test_a_page_url_on_detections_points_to_posts(api_client: APIClient, site: LocalSite) -> None:
    url = site.add("/p", body=b"<html><body>hi</body></html>", content_type="text/html")
    response = api_client.post("/api/v1/detections/", {"url": url}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "url_is_page"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/",
        "http://localhost/",
        "http://10.0.0.5/",
        "http://192.168.1.1/admin",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
def test_private_addresses_are_refused_with_a_clear_400(api_client: APIClient, url: str) -> None:
    response = api_client.post("/api/v1/posts/", {"url": url}, format="json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "url_refused" and "not a public one" in error["message"]
    assert not Post.objects.exists()


def test_a_redirect_to_a_private_address_is_refused(
    api_client: APIClient, site: LocalSite, settings: Any
) -> None:
    # The page itself is allowed (127.0.0.1), its redirect target (10.0.0.1) is not.
    site.add("/hop", status=301, headers={"Location": "http://10.0.0.1/inside"})
    response = api_client.post("/api/v1/posts/", {"url": site.base + "/hop"}, format="json")
    assert response.status_code == 400
    assert "10.0.0.1" in response.json()["error"]["message"]


def test_redirects_are_bounded(api_client: APIClient, site: LocalSite) -> None:
    for i in range(7):
        site.add(f"/r{i}", status=302, headers={"Location": f"/r{i + 1}"})
    site.add("/r7", body=_png((5, 5, 5)), content_type="image/png")
    response = api_client.post("/api/v1/posts/", {"url": site.base + "/r0"}, format="json")
    assert response.status_code == 400
    assert "more than 5 redirects" in response.json()["error"]["message"]
    site.add("/r2", body=_png((5, 5, 5)), content_type="image/png")  # two hops now
    response = api_client.post("/api/v1/posts/", {"url": site.base + "/r0"}, format="json")
    assert response.status_code == 202


def test_a_body_over_the_cap_is_a_413(
    api_client: APIClient, site: LocalSite, settings: Any
) -> None:
    settings.DETECTION_MAX_UPLOAD_BYTES = 100
    settings.URL_FETCH_MAX_PAGE_BYTES = 100
    url = site.add("/big.png", body=_png((9, 9, 9)) + b"\0" * 200, content_type="image/png")
    response = api_client.post("/api/v1/detections/", {"url": url}, format="json")
    assert response.status_code == 413


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "gopher://x/"])
def test_other_schemes_are_refused(api_client: APIClient, url: str) -> None:
    response = api_client.post("/api/v1/posts/", {"url": url}, format="json")
    assert response.status_code == 400


def test_one_private_address_among_public_ones_refuses_the_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Failure injection: a name resolving to a public and a private address.
    answers = [(2, 1, 6, "", ("93.184.215.14", 80)), (2, 1, 6, "", ("10.1.2.3", 80))]
    monkeypatch.setattr(guard.socket, "getaddrinfo", lambda *a, **k: answers)
    with pytest.raises(guard.FetchRefused, match=r"10\.1\.2\.3"):
        guard.resolve("mixed.example", 80)
