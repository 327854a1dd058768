from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import User
from django.test import Client

from detection.engine import registry
from tests.factories import make_detection

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(user: User) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_upload_page_names_the_modalities_this_server_can_check(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "supported_modalities", lambda: ["audio", "text"])
    page = client.get("/").content.decode()
    assert "can check audio, text" in page
    assert 'accept="audio/*' in page
    assert "image/*" not in page


def test_upload_page_says_so_when_no_detector_is_available(
    client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(registry, "supported_modalities", lambda: [])
    page = client.get("/").content.decode()
    assert "No detector is available" in page
    assert 'id="submit-button" disabled' in page


def test_result_page_embeds_the_current_state_and_the_text_for_highlighting(
    client: Client, user: User
) -> None:
    detection = make_detection(user, input_text="Some words </script><b>here</b>.")
    response = client.get(f"/detections/{detection.id}/")
    assert response.status_code == 200
    assert response.context["initial"]["verdict"] == "human"
    html = response.content.decode()
    # json_script escapes markup, so stored text can never close the script element.
    assert "</script><b>" not in html
    start = html.index('id="detection-text" type="application/json">') + len(
        'id="detection-text" type="application/json">'
    )
    assert json.loads(html[start : html.index("</script>", start)]) == detection.input_text


def test_another_users_result_page_is_not_found(client: Client, other_user: User) -> None:
    theirs = make_detection(other_user)
    assert client.get(f"/detections/{theirs.id}/").status_code == 404


def test_pages_load_no_asset_from_another_site(client: Client, user: User) -> None:
    detection = make_detection(user)
    for url in ("/", "/detections/", f"/detections/{detection.id}/", "/accounts/tokens/"):
        html = client.get(url).content.decode()
        assert "https://" not in html.replace("https://evil", ""), url
        assert "//cdn" not in html
