from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import hash_token, token_create, token_revoke

pytestmark = pytest.mark.django_db


def _bearer(raw: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client


def test_token_is_stored_only_as_its_hash(user: User) -> None:
    token, raw = token_create(user=user, name="ci")
    assert raw.startswith("adt_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_token(raw)
    values = [str(getattr(stored, f.name)) for f in ApiToken._meta.fields]
    assert all(raw not in value for value in values)


def test_bearer_token_authenticates_and_records_last_use(user: User) -> None:
    token, raw = token_create(user=user, name="ci")
    assert _bearer(raw).get("/api/v1/detections/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_expired_and_unknown_tokens_get_401(user: User) -> None:
    revoked, raw_revoked = token_create(user=user, name="old")
    token_revoke(token=revoked)
    _, raw_expired = token_create(
        user=user, name="exp", expires_at=timezone.now() - timedelta(seconds=1)
    )
    for raw in (raw_revoked, raw_expired, "adt_not-a-real-token", "garbage"):
        response = _bearer(raw).get("/api/v1/detections/")
        assert response.status_code == 401, raw
        assert response.json()["error"]["message"]


def test_unauthenticated_api_call_is_401_with_bearer_challenge() -> None:
    response = APIClient().get("/api/v1/detections/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"


def test_token_api_creates_shows_once_lists_and_revokes(api_client: APIClient) -> None:
    created = api_client.post(
        "/api/v1/tokens/", {"name": "deploy", "expires_at": None}, format="json"
    )
    assert created.status_code == 201
    raw = created.json()["token"]
    listing = api_client.get("/api/v1/tokens/").json()["results"]
    assert {t["name"] for t in listing} >= {"deploy", "tests"}
    assert all("token" not in t and "key_hash" not in t for t in listing)
    assert _bearer(raw).get("/api/v1/detections/").status_code == 200
    revoke = api_client.post(f"/api/v1/tokens/{created.json()['id']}/revoke/")
    assert revoke.json()["active"] is False
    assert _bearer(raw).get("/api/v1/detections/").status_code == 401


def test_token_page_shows_new_token_once_and_revokes(user: User) -> None:
    client = Client()
    client.force_login(user)
    page = client.post("/accounts/tokens/", {"name": "laptop", "expires_in_days": "30"})
    token = ApiToken.objects.get(name="laptop")
    assert token.expires_at is not None
    assert token.prefix in page.content.decode()
    again = client.get("/accounts/tokens/").content.decode()
    assert 'id="new-token"' not in again
    client.post(f"/accounts/tokens/{token.id}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_user_cannot_revoke_someone_elses_token(user: User, other_user: User) -> None:
    token, _ = token_create(user=user, name="mine")
    client = Client()
    client.force_login(other_user)
    assert client.post(f"/accounts/tokens/{token.id}/revoke/").status_code == 404
    other_api = _bearer(token_create(user=other_user, name="theirs")[1])
    assert other_api.post(f"/api/v1/tokens/{token.id}/revoke/").status_code == 404


def _mint(parent: APIClient, **body: object) -> tuple[int, dict]:
    response = parent.post("/api/v1/tokens/", {"name": "child", **body}, format="json")
    return response.status_code, response.json()


def test_a_token_cannot_mint_a_token_that_outlives_it(user: User) -> None:
    expires = timezone.now() + timedelta(hours=1)
    _, raw = token_create(user=user, name="short-lived", expires_at=expires)
    parent = _bearer(raw)
    status, body = _mint(parent)  # no expiry asked for: the child inherits the parent's
    assert status == 201
    assert ApiToken.objects.get(pk=body["id"]).expires_at == expires
    status, body = _mint(parent, expires_at=None)
    assert status == 201 and ApiToken.objects.get(pk=body["id"]).expires_at == expires
    status, body = _mint(parent, expires_at=(expires + timedelta(days=30)).isoformat())
    assert status == 400
    assert "expire" in body["error"]["message"] and "no later" in body["error"]["message"]
    status, body = _mint(parent, expires_at=(expires - timedelta(minutes=5)).isoformat())
    assert status == 201


def test_revoking_a_token_revokes_the_tokens_it_created(user: User) -> None:
    parent_token, raw = token_create(user=user, name="parent")
    _, child = _mint(_bearer(raw))
    _, grandchild = _mint(_bearer(child["token"]))
    for descendant in (child, grandchild):
        assert _bearer(descendant["token"]).get("/api/v1/detections/").status_code == 200
    session = APIClient()
    session.force_login(user)
    assert session.post(f"/api/v1/tokens/{parent_token.pk}/revoke/").status_code == 200
    for descendant in (child, grandchild):
        assert _bearer(descendant["token"]).get("/api/v1/detections/").status_code == 401
    listing = {t["id"]: t["active"] for t in session.get("/api/v1/tokens/").json()["results"]}
    assert listing[child["id"]] is False and listing[grandchild["id"]] is False


def test_revoking_on_the_tokens_page_revokes_descendants_too(user: User) -> None:
    parent_token, raw = token_create(user=user, name="parent")
    _, child = _mint(_bearer(raw))
    client = Client()
    client.force_login(user)
    client.post(f"/accounts/tokens/{parent_token.id}/revoke/")
    assert _bearer(child["token"]).get("/api/v1/detections/").status_code == 401


def test_a_session_may_create_a_token_that_never_expires(user: User) -> None:
    session = APIClient()
    session.force_login(user)
    status, body = _mint(session, expires_at=None)
    assert status == 201 and body["expires_at"] is None


def test_token_expiry_in_the_past_is_refused(api_client: APIClient) -> None:
    status, body = _mint(api_client, expires_at=(timezone.now() - timedelta(hours=1)).isoformat())
    assert status == 400 and "future" in body["error"]["message"]
