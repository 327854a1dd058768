from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from accounts.tokens import token_create

pytestmark = pytest.mark.django_db
URL = "/api/v1/detections/"


def _client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    return client


def test_a_token_over_its_rate_gets_429_saying_when_to_retry(
    api_client: APIClient, monkeypatch: Any
) -> None:
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "token", "3/min")
    for _ in range(3):
        assert api_client.get(URL).status_code == 200
    response = api_client.get(URL)
    assert response.status_code == 429
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= 60
    error = response.json()["error"]
    assert error["code"] == "throttled" and error["retry_after"] == retry_after
    assert f"retry after {retry_after} s" in error["message"]


def test_token_limits_are_per_token_and_user_limits_cover_all_of_them(
    user: User, monkeypatch: Any
) -> None:
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "token", "2/min")
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "user", "4/min")
    first = _client(token_create(user=user, name="a")[1])
    second = _client(token_create(user=user, name="b")[1])
    # Each limit counts the requests it let through: the third call passed the user's
    # limit (its third) and was stopped by the token's.
    assert [first.get(URL).status_code for _ in range(3)] == [200, 200, 429]
    assert second.get(URL).status_code == 200  # its own token budget; the user's fourth call
    assert second.get(URL).status_code == 429  # the account's budget is spent


def test_submissions_have_their_own_tighter_limit(api_client: APIClient, monkeypatch: Any) -> None:
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "submit", "1/min")
    first = api_client.post(URL, {"text": "x"}, format="json")  # refused as input, still counted
    assert first.status_code != 429
    assert api_client.post(URL, {"text": "x"}, format="json").status_code == 429
    assert api_client.get(URL).status_code == 200  # reading is not a submission


def test_anonymous_calls_are_limited_per_address(monkeypatch: Any) -> None:
    # Endpoints that need a login answer 401 before any limit applies; public API views
    # (the schema) are limited per address.
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "anon", "2/min")
    client = APIClient()
    codes = [client.get("/api/schema/").status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_every_item_of_a_batch_counts_against_the_submit_rate(
    api_client: APIClient, monkeypatch: Any
) -> None:
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "submit", "10/min")
    batch = URL + "batch/"
    four = {"texts": ["x"] * 4}  # refused as input, still counted (as single submissions)
    assert api_client.post(batch, four, format="json").status_code == 400
    assert api_client.post(batch, four, format="json").status_code == 400
    over = api_client.post(batch, four, format="json")  # 8 + 4 > 10
    assert over.status_code == 429 and 1 <= int(over["Retry-After"]) <= 60
    assert api_client.post(URL, {"text": "x"}, format="json").status_code == 400  # the 9th
    assert api_client.post(batch, {"texts": ["x"] * 2}, format="json").status_code == 429


def test_multipart_batch_files_count_too(api_client: APIClient, monkeypatch: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "submit", "3/min")
    files = [SimpleUploadedFile(f"{i}.bin", b"\x00\x01") for i in range(4)]
    response = api_client.post(URL + "batch/", {"files": files}, format="multipart")
    assert response.status_code == 413
    assert "at most 3" in response.json()["error"]["message"]


def test_a_batch_larger_than_the_whole_rate_is_refused_with_a_clear_message(
    api_client: APIClient, monkeypatch: Any
) -> None:
    monkeypatch.setitem(SimpleRateThrottle.THROTTLE_RATES, "submit", "5/min")
    response = api_client.post(URL + "batch/", {"texts": ["x"] * 6}, format="json")
    assert response.status_code == 413
    error = response.json()["error"]
    assert "6 items" in error["message"] and "at most 5" in error["message"]
