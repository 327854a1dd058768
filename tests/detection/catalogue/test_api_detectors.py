"""GET /api/v1/detectors/ lists every detector with its version and held-out figures."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from rest_framework.test import APIClient

from detection.engine import registry
from detection.execution.cache import result_key
from tests.factories import make_detection

pytestmark = pytest.mark.django_db
ENGINE = Path(__file__).resolve().parents[3] / "detection" / "engine"


def test_every_registered_detector_is_listed_with_its_version(api_client: APIClient) -> None:
    body = api_client.get("/api/v1/detectors/").json()
    names = [entry["name"] for entry in body]
    assert names == sorted(registry.all_specs())
    image = next(e for e in body if e["name"] == "image.ensemble")
    assert image["modality"] == "image" and image["default"] is True
    assert image["version"] == registry.version_key("image.ensemble")
    assert isinstance(image["available"], bool)
    assert image["available"] or image["unavailable_reason"]


def test_held_out_figures_come_from_the_calibration_file(api_client: APIClient) -> None:
    body = {e["name"]: e for e in api_client.get("/api/v1/detectors/").json()}
    shipped = json.loads((ENGINE / "image" / "ensemble.json").read_text())
    held_out = body["image.ensemble"]["held_out"]
    assert held_out["calibration_file"] == "detection/engine/image/ensemble.json"
    assert held_out["holdout"]["auroc"] == shipped["holdout"]["auroc"]
    assert held_out["holdout"]["at_shipped_cuts"] == shipped["holdout"]["at_shipped_cuts"]
    text = json.loads((ENGINE / "text" / "calibration" / "fusion.json").read_text())
    assert body["text.ensemble"]["held_out"]["holdout"]["auroc"] == text["holdout"]["auroc"]
    # No calibration file shipped: no borrowed figures.
    assert body["video.frames"]["held_out"] is None


def test_models_are_those_of_the_newest_run_of_this_version(
    api_client: APIClient, user: User
) -> None:
    models = [{"id": "org/model", "revision": "abc123"}]
    make_detection(
        user,
        detector="text.ensemble",
        models_used=models,
        results={"cache_key": result_key("text.ensemble", {})},
    )
    make_detection(  # an older version's row: not this version's models
        user,
        input_text="other",
        detector="text.ensemble",
        models_used=[{"id": "org/old", "revision": "0"}],
        results={"cache_key": "stale"},
    )
    body = {e["name"]: e for e in api_client.get("/api/v1/detectors/").json()}
    assert body["text.ensemble"]["models"] == models


def test_the_catalogue_needs_a_credential() -> None:
    assert APIClient().get("/api/v1/detectors/").status_code in (401, 403)
