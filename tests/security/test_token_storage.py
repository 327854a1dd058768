"""A token is shown once and stored only as a digest: no table holds it in plain text."""

from __future__ import annotations

import hashlib

import pytest
from django.apps import apps
from django.db import models
from rest_framework.test import APIClient

from tests.conftest import SAMPLE_TEXT

pytestmark = pytest.mark.django_db


def _every_stored_string() -> str:
    parts: list[str] = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        if fields:
            for row in model.objects.values_list(*fields):
                parts.extend(str(v) for v in row)
    return "\n".join(parts)


def test_tokens_are_not_stored_in_plain_text(user, client, settings) -> None:  # type: ignore[no-untyped-def]
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    raw = api.post("/api/v1/tokens/", {"name": "scanner"}, format="json").json()["token"]
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert bearer.get("/api/v1/detections/").status_code == 200
    bearer.post("/api/v1/detections/", {"text": SAMPLE_TEXT + " " + raw}, format="json")
    stored = _every_stored_string().replace(SAMPLE_TEXT + " " + raw, "")  # the user's own text
    assert raw not in stored and raw[4:] not in stored
    assert hashlib.sha256(raw.encode()).hexdigest() in stored  # what is kept instead
