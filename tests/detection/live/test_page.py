"""The live check page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User

pytestmark = pytest.mark.django_db


def test_live_page_needs_a_login(client: Any) -> None:
    response = client.get("/live/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_live_page_has_labelled_controls_and_the_socket_path(client: Any, user: User) -> None:
    client.force_login(user)
    html = client.get("/live/").content.decode()
    assert 'data-ws="/ws/live/"' in html
    assert ">Start live check</button>" in html and ">Stop</button>" in html
    assert '<label><input type="checkbox" id="live-use-video" checked> Camera' in html
    assert 'role="status"' in html and 'role="alert"' in html
    assert "js/live.js" in html and "js/live-pcm-worklet.js" in html
    assert 'href="/live/"' in html  # the main navigation links here


def test_live_page_states_the_configured_limits(client: Any, user: User, settings: Any) -> None:
    settings.LIVE_MAX_SESSION_S = 120
    settings.LIVE_FRAME_FPS = 1
    client.force_login(user)
    text = " ".join(client.get("/live/").content.decode().split())
    assert "ends by itself after 2 minute(s)" in text
    assert "about 1 video frame(s) a second" in text
