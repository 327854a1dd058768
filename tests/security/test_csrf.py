"""Browser forms and session-authenticated API writes need the CSRF token."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from accounts.models import ApiToken
from accounts.tokens import token_create
from tests.factories import make_detection

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(user: User) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def test_login_form_without_csrf_token_is_refused(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 403


def test_signup_form_without_csrf_token_is_refused() -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/signup/",
        {"username": "eve", "password1": "a long pass 123!", "password2": "a long pass 123!"},
    )
    assert response.status_code == 403


def test_token_forms_without_csrf_token_are_refused(browser: Client, user: User) -> None:
    assert browser.post("/accounts/tokens/", {"name": "sneaky"}).status_code == 403
    assert not ApiToken.objects.filter(name="sneaky").exists()
    token, _ = token_create(user=user, name="mine")
    assert browser.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 403
    token.refresh_from_db()
    assert token.revoked_at is None


def test_delete_form_without_csrf_token_is_refused(browser: Client, user: User) -> None:
    detection = make_detection(user)
    assert browser.post(f"/detections/{detection.pk}/delete/").status_code == 403
    detection.refresh_from_db()


def test_session_api_writes_without_csrf_token_are_refused(browser: Client, user: User) -> None:
    detection = make_detection(user)
    response = browser.post(
        "/api/v1/detections/", {"text": "x" * 10}, content_type="application/json"
    )
    assert response.status_code == 403
    assert browser.delete(f"/api/v1/detections/{detection.pk}/").status_code == 403
    assert browser.post("/api/v1/tokens/", {"name": "x"}).status_code == 403


def test_the_same_form_with_its_csrf_token_goes_through(browser: Client) -> None:
    page = browser.get("/accounts/tokens/")
    csrf = page.cookies["csrftoken"].value
    response = browser.post("/accounts/tokens/", {"name": "fine", "csrfmiddlewaretoken": csrf})
    assert response.status_code == 200 and ApiToken.objects.filter(name="fine").exists()
