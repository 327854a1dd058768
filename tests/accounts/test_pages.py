from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

pytestmark = pytest.mark.django_db


def test_signup_creates_account_and_logs_in() -> None:
    client = Client()
    response = client.post(
        "/accounts/signup/",
        {
            "username": "newbie",
            "password1": "a long unusual pass 42",
            "password2": "a long unusual pass 42",
        },
    )
    assert response.status_code == 302
    assert User.objects.filter(username="newbie").exists()
    assert client.get("/").status_code == 200


def test_signup_with_mismatched_passwords_shows_the_form_again() -> None:
    response = Client().post(
        "/accounts/signup/",
        {"username": "x", "password1": "a long unusual pass 42", "password2": "nope"},
    )
    assert response.status_code == 200
    assert not User.objects.filter(username="x").exists()


def test_login_and_logout(user: User) -> None:
    client = Client()
    assert (
        client.post(
            "/accounts/login/", {"username": "alice", "password": "correct horse battery"}
        ).status_code
        == 302
    )
    assert client.get("/detections/").status_code == 200
    client.post("/accounts/logout/")
    assert client.get("/detections/").status_code == 302


def test_login_form_rejects_a_post_without_csrf_token(user: User) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 403


def test_pages_need_login() -> None:
    for url in ("/", "/detections/", "/accounts/tokens/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
