"""Guessing is limited: sign-in per username and per address, bad tokens per address."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from rest_framework.test import APIClient

from accounts.tokens import token_create

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery"  # the `user` fixture's


@pytest.fixture(autouse=True)
def _small_limits(settings: Any) -> None:
    settings.LOGIN_FAILURES_PER_USER = 3
    settings.LOGIN_FAILURES_PER_ADDRESS = 5
    settings.LOGIN_LOCKOUT_S = 600
    settings.TOKEN_FAILURES_PER_ADDRESS = 4
    settings.TOKEN_LOCKOUT_S = 300


def _login(client: Client, username: str, password: str, path: str = "/accounts/login/") -> Any:
    return client.post(path, {"username": username, "password": password})


def test_a_username_is_locked_after_repeated_failures_even_for_the_right_password(
    user: User,
) -> None:
    client = Client()
    for _ in range(3):
        assert _login(client, "alice", "wrong guess").status_code == 200
    locked = _login(client, "alice", PASSWORD)
    assert locked.status_code == 429
    assert 1 <= int(locked["Retry-After"]) <= 600
    page = locked.content.decode()
    assert "Too many failed sign-in attempts" in page and "10 minutes" in page
    assert "_auth_user_id" not in client.session
    # From another address too: the lock is on the account name, whatever its case.
    elsewhere = Client(REMOTE_ADDR="198.51.100.7")
    assert _login(elsewhere, "ALICE", PASSWORD).status_code == 429


def test_a_good_sign_in_resets_the_username_count(user: User) -> None:
    client = Client()
    for _ in range(2):
        _login(client, "alice", "wrong guess")
    assert _login(client, "alice", PASSWORD).status_code == 302
    client.logout()
    for _ in range(2):
        _login(client, "alice", "wrong guess")
    assert _login(client, "alice", PASSWORD).status_code == 302


def test_an_address_trying_many_usernames_is_locked(user: User) -> None:
    client = Client(REMOTE_ADDR="203.0.113.5")
    for name in ("bob", "carol", "dave", "erin", "frank"):
        assert _login(client, name, "guess").status_code == 200
    assert _login(client, "alice", PASSWORD).status_code == 429
    assert _login(Client(REMOTE_ADDR="203.0.113.6"), "alice", PASSWORD).status_code == 302


def test_the_admin_sign_in_is_locked_out_too(user: User) -> None:
    user.is_staff = True
    user.save()
    client = Client()
    for _ in range(3):
        _login(client, "alice", "wrong guess", "/admin/login/")
    page = _login(client, "alice", PASSWORD, "/admin/login/")
    assert "Too many failed sign-in attempts" in page.content.decode()
    assert "_auth_user_id" not in client.session


def _bearer(raw: str, address: str = "127.0.0.1") -> APIClient:
    client = APIClient(REMOTE_ADDR=address)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_bad_tokens_are_counted_per_address_and_then_get_429(user: User) -> None:
    for attempt in range(4):
        response = _bearer(f"adt_guess-{attempt}").get("/api/v1/detections/")
        assert response.status_code == 401
    throttled = _bearer("adt_guess-5").get("/api/v1/detections/")
    assert throttled.status_code == 429
    retry_after = int(throttled["Retry-After"])
    assert 1 <= retry_after <= 300
    error = throttled.json()["error"]
    assert error["code"] == "throttled" and error["retry_after"] == retry_after
    assert "failed token" in error["message"]
    # While locked, no token from that address is even looked at; other addresses work.
    _, raw = token_create(user=user, name="good")
    assert _bearer(raw).get("/api/v1/detections/").status_code == 429
    assert _bearer(raw, "192.0.2.44").get("/api/v1/detections/").status_code == 200


async def test_bad_tokens_on_websockets_count_and_lock_too(user: User) -> None:
    from channels.testing import WebsocketCommunicator

    from config.asgi import application

    codes = []
    for attempt in range(5):
        communicator = WebsocketCommunicator(
            application, "/ws/text/stream/",
            headers=[(b"authorization", f"Bearer adt_guess-{attempt}".encode())],
        )  # fmt: skip
        communicator.scope["client"] = ["203.0.113.80", 50000]
        _, code = await communicator.connect(timeout=5)
        codes.append(code)
    assert codes == [4401, 4401, 4401, 4401, 4429]
