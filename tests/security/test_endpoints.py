"""Every endpoint refuses callers without a valid credential, and every object route
answers 404 for another user's ids. The table below must cover every named URL: a new
endpoint fails test_every_named_url_is_covered until someone decides how it is guarded."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import ApiToken
from accounts.tokens import token_create, token_revoke
from tests.factories import make_detection

pytestmark = pytest.mark.django_db
DET, TOK = "{detection}", "{token}"

# name -> [(method, path)] ; {detection} / {token} are filled with the *victim's* ids.
API = {
    "api:api-root": [("get", "/api/v1/")],
    "api:detection-list": [("get", "/api/v1/detections/"), ("post", "/api/v1/detections/")],
    "api:detection-batch": [("post", "/api/v1/detections/batch/")],
    "api:detection-detail": [
        ("get", f"/api/v1/detections/{DET}/"),
        ("delete", f"/api/v1/detections/{DET}/"),
    ],
    "api:token-list": [("get", "/api/v1/tokens/"), ("post", "/api/v1/tokens/")],
    "api:token-detail": [("get", f"/api/v1/tokens/{TOK}/")],
    "api:token-revoke": [("post", f"/api/v1/tokens/{TOK}/revoke/")],
}
PAGES = {
    "frontend:upload": [("get", "/")],
    "frontend:history": [("get", "/detections/")],
    "frontend:detection": [("get", f"/detections/{DET}/")],
    "frontend:detection-media": [("get", f"/detections/{DET}/media")],
    "frontend:detection-delete": [
        ("get", f"/detections/{DET}/delete/"),
        ("post", f"/detections/{DET}/delete/"),
    ],
    "frontend:live": [("get", "/live/")],
    "accounts:tokens": [("get", "/accounts/tokens/"), ("post", "/accounts/tokens/")],
    "accounts:token-revoke": [("post", f"/accounts/tokens/{TOK}/revoke/")],
}
# Public on purpose: probes, the sign-in pages, the API's description, the icon and the
# "How accurate is this?" page (aggregate figures from the calibration files, no user data).
PUBLIC = {"health", "ready", "schema", "api-docs", "api-redoc"} | {
    "accounts:signup",
    "accounts:login",
    "accounts:logout",
    "frontend:favicon",
    "frontend:accuracy",
}
OBJECT_ROUTES = {
    name: routes
    for name, routes in {**API, **PAGES}.items()
    if any(DET in path or TOK in path for _, path in routes)
}


def _names(patterns: list[Any], ns: str = "") -> set[str]:
    names: set[str] = set()
    for p in patterns:
        if isinstance(p, URLResolver):
            names |= _names(p.url_patterns, f"{ns}{p.namespace}:" if p.namespace else ns)
        elif isinstance(p, URLPattern) and p.name:
            names.add(ns + p.name)
    return names


def test_every_named_url_is_covered() -> None:
    names = {n for n in _names(get_resolver().url_patterns) if not n.startswith("admin:")}
    assert names - set(API) - set(PAGES) - PUBLIC == set()


@pytest.fixture
def victim_ids(other_user: User) -> dict[str, str]:
    detection = make_detection(other_user)
    token, _ = token_create(user=other_user, name="victim")
    return {"detection": str(detection.pk), "token": str(token.pk)}


def _call(client: Any, method: str, path: str, ids: dict[str, str]) -> Any:
    url = path.format(**ids)
    body = {"text": "x"} if method == "post" else None
    if isinstance(client, APIClient):
        return getattr(client, method)(url, body, format="json")
    return getattr(client, method)(url, body or {})


def _closed(response: Any) -> bool:
    if response.status_code in (401, 403, 404):
        return True
    # Pages send anonymous visitors to the sign-in page.
    return response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", sorted({**API, **PAGES}))
def test_anonymous_callers_are_refused(name: str, victim_ids: dict[str, str]) -> None:
    client: Any = APIClient() if name in API else Client()
    for method, path in {**API, **PAGES}[name]:
        response = _call(client, method, path, victim_ids)
        assert _closed(response), (method, path, response.status_code)


def _bad_token(user: User, kind: str) -> str:
    token, raw = token_create(user=user, name=kind)
    if kind == "revoked":
        token_revoke(token=token)
    elif kind == "expired":
        past = timezone.now() - timedelta(seconds=1)
        ApiToken.objects.filter(pk=token.pk).update(expires_at=past)
    else:  # a well-formed token that was never issued
        raw = raw[:-6] + "AAAAAA"
    return raw


@pytest.mark.parametrize("kind", ["revoked", "expired", "unknown"])
@pytest.mark.parametrize("name", sorted(API))
def test_api_refuses_revoked_expired_and_unknown_tokens(
    name: str, kind: str, user: User, victim_ids: dict[str, str]
) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {_bad_token(user, kind)}")
    for method, path in API[name]:
        response = _call(client, method, path, victim_ids)
        assert response.status_code == 401, (method, path, response.status_code)


@pytest.mark.parametrize("name", sorted(OBJECT_ROUTES))
def test_another_users_objects_are_not_found(
    name: str, user: User, api_client: APIClient, victim_ids: dict[str, str]
) -> None:
    session = Client()
    session.force_login(user)
    client: Any = api_client if name in API else session
    for method, path in OBJECT_ROUTES[name]:
        response = _call(client, method, path, victim_ids)
        assert response.status_code == 404, (method, path, response.status_code)
    # ... and nothing happened to them.
    from detection.models import Detection

    assert Detection.objects.filter(pk=victim_ids["detection"]).exists()
    assert ApiToken.objects.get(pk=victim_ids["token"]).revoked_at is None


def test_admin_and_metrics_are_closed_to_non_staff(user: User) -> None:
    client = Client()
    for path in ("/admin/", "/admin/detection/detection/", "/metrics"):
        assert _closed(client.get(path)) or "/admin/login/" in client.get(path).get("Location", "")
    client.force_login(user)
    admin = client.get("/admin/detection/detection/")
    assert admin.status_code == 302 and "/admin/login/" in admin["Location"]
    assert client.get("/metrics").status_code == 403
