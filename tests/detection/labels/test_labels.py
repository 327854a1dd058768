"""Owners label detections and posts; staff see the labels in the admin and as field
accuracy; export_labels writes them for the calibration commands."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.test import Client
from rest_framework.test import APIClient

from detection.execution.cache import result_key
from detection.labels import accuracy
from detection.models import Post
from detection.posts.services import post_refresh
from tests.conftest import SAMPLE_TEXT
from tests.factories import make_detection

pytestmark = pytest.mark.django_db
URL = "/api/v1/labels/"


def _label(client: APIClient, label: str, **target: Any) -> Any:
    return client.post(URL, {"label": label, "note": "I know the source", **target}, format="json")


def _scored(user: User, probability: float, verdict: str, text: str) -> Any:
    key = result_key("text.ensemble", {})
    return make_detection(
        user,
        input_text=text,
        detector="text.ensemble",
        probability_ai=probability,
        verdict=verdict,
        results={"cache_key": key},
    )


def test_owner_labels_a_detection_and_can_change_it(api_client: APIClient, user: User) -> None:
    detection = make_detection(user)
    first = _label(api_client, "ai", detection=str(detection.pk))
    assert first.status_code == 201, first.content
    again = _label(api_client, "human", detection=str(detection.pk))
    assert again.json()["id"] == first.json()["id"] and again.json()["label"] == "human"
    listed = api_client.get(URL).json()["results"]
    assert [(r["detection"], r["label"], r["note"]) for r in listed] == [
        (str(detection.pk), "human", "I know the source")
    ]


def test_owner_labels_a_post(api_client: APIClient, user: User) -> None:
    post = Post.objects.create(owner=user)
    response = _label(api_client, "ai", post=str(post.pk))
    assert response.status_code == 201 and response.json()["post"] == str(post.pk)


@pytest.mark.parametrize(
    "payload",
    [
        {"label": "maybe", "detection": "{mine}"},
        {"label": "ai"},
        {"label": "ai", "detection": "x"},
        {"label": "ai", "detection": "{mine}", "post": "{mine}"},
    ],
)
def test_bad_labels_get_a_400(api_client: APIClient, user: User, payload: dict[str, Any]) -> None:
    mine = str(make_detection(user).pk)
    body = {k: v.replace("{mine}", mine) for k, v in payload.items()}
    assert api_client.post(URL, body, format="json").status_code == 400


def test_another_users_detection_cannot_be_labelled(
    api_client: APIClient, other_user: User
) -> None:
    theirs = make_detection(other_user)
    assert _label(api_client, "ai", detection=str(theirs.pk)).status_code == 404


def test_labels_appear_on_the_field_accuracy_page(
    api_client: APIClient, user: User, admin_client: Client
) -> None:
    scored = [
        (0.95, "ai", "ai"),
        (0.70, "uncertain", "ai"),
        (0.60, "ai", "human"),  # a false positive at the shipped threshold
        (0.20, "human", "human"),
        (0.10, "human", "human"),
    ]
    for k, (probability, verdict, truth) in enumerate(scored):
        detection = _scored(user, probability, verdict, f"{SAMPLE_TEXT} {k}")
        assert _label(api_client, truth, detection=str(detection.pk)).status_code == 201
    page = admin_client.get("/staff/field-accuracy/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-detector="text.ensemble"' in html and "(current)" in html
    # AUROC: AI scores {0.95, 0.70} against human {0.60, 0.20, 0.10}: every pair ordered.
    assert '<td class="auroc">1.000</td>' in html
    assert '<td class="fpr">0.333</td>' in html  # 1 of 3 human-labelled called ai
    assert html.count("<circle") == 5  # one point per occupied bin: .1 .2 .6 .7 .9
    admin = admin_client.get("/admin/detection/humanlabel/").content.decode()
    assert "I know the source" in admin


def test_field_accuracy_is_staff_only(user: User) -> None:
    client = Client()
    client.force_login(user)
    assert client.get("/staff/field-accuracy/").status_code == 403


def test_auroc_counts_ties_as_half() -> None:
    items = [accuracy.Labelled(0.5, "uncertain", True), accuracy.Labelled(0.5, "uncertain", False)]
    assert accuracy.auroc(items) == 0.5
    assert accuracy.auroc(items[:1]) is None


def test_posts_are_grouped_under_their_fusion_rule(api_client: APIClient, user: User) -> None:
    post = Post.objects.create(owner=user)
    from detection.models import PostPart

    part = make_detection(user, probability_ai=0.9, verdict="ai")
    PostPart.objects.create(post=post, detection=part, index=0, role="text")
    post_refresh(post=post, publish_update=False)
    _label(api_client, "ai", post=str(post.pk))
    from detection.labels.selectors import field_accuracy

    groups = {g["detector"]: g for g in field_accuracy()}
    assert groups["post"]["version"] == "any_part" and groups["post"]["n_ai"] == 1


def test_export_labels_writes_what_the_calibration_commands_read(
    api_client: APIClient, user: User, tmp_path: Path
) -> None:
    text = _scored(user, 0.8, "ai", SAMPLE_TEXT)
    image = make_detection(
        user,
        input_text="",
        modality="image",
        original_name="cat.png",
        input_meta={"width": 96, "height": 80},
    )
    image.input_file.save("upload", ContentFile(b"\x89PNG fake bytes"), save=True)
    _label(api_client, "human", detection=str(text.pk))
    _label(api_client, "ai", detection=str(image.pk))
    out = io.StringIO()
    call_command("export_labels", str(tmp_path / "labels"), stdout=out)
    assert "exported 2 labels" in out.getvalue()
    from detection.engine.image.train.dataset import load_manifest
    from detection.engine.text.train.labelled_files import load_labelled

    texts = load_labelled(tmp_path / "labels" / "text")
    assert [(t.text, t.label) for t in texts] == [(SAMPLE_TEXT, 0)]
    samples = load_manifest(tmp_path / "labels" / "image")
    assert [(s.label, s.width, s.path.read_bytes()) for s in samples] == [
        (1, 96, b"\x89PNG fake bytes")
    ]
    provenance = json.loads((tmp_path / "labels" / "provenance.json").read_text())
    assert provenance["counts"] == {"image:ai": 1, "text:human": 1}
    with (tmp_path / "labels" / "image" / "manifest.csv").open() as fh:
        assert next(csv.DictReader(fh))["source_repo"] == "field-labels"


def test_exported_audio_labels_read_as_the_audio_calibration_reads_them(
    api_client: APIClient, user: User, tmp_path: Path
) -> None:
    clip = make_detection(
        user, input_text="", modality="audio", original_name="voice.flac", input_meta={}
    )
    clip.input_file.save("upload", ContentFile(b"fLaC fake"), save=True)
    _label(api_client, "ai", detection=str(clip.pk))
    call_command("export_labels", str(tmp_path / "labels"), stdout=io.StringIO())
    from detection.engine.audio.train.dataset import read_manifest

    [read] = read_manifest(tmp_path / "labels" / "audio")
    # A family the audio pool does not know is kept out of training: the test split.
    assert (read.label, read.family, read.split) == (1, "field", "test")
    assert read.path.read_bytes() == b"fLaC fake"
