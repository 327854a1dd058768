"""A whole post run by the real detectors on the ordinary path (inline executor)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sklearn
from rest_framework.test import APIClient

from tests.conftest import SAMPLE_TEXT
from tests.detection.engine.image.conftest import SigningKit, sign_c2pa

pytestmark = [pytest.mark.django_db, pytest.mark.model]
PHOTO = Path(sklearn.__file__).parent / "datasets" / "images" / "china.jpg"


def _ai_image(shared: Path, kit: SigningKit, tmp_path: Path) -> Path:
    # An AI image of the shared data carrying the generator's signed credentials (as
    # OpenAI's and Adobe's outputs do): provenance makes its part a confident "ai".
    source = next((shared / "data" / "image" / "ai").rglob("*.png"))
    return sign_c2pa(kit, source, tmp_path / "generated.png", "trainedAlgorithmicMedia")


def _voice(shared: Path) -> Path:
    return sorted((shared / "data" / "audio" / "real").rglob("*.flac"))[1]


def test_post_with_caption_ai_image_photo_and_voice_note_completes_with_a_disagreement(
    api_client: APIClient,
    django_capture_on_commit_callbacks: Any,
    shared_dir: Path,
    signing_kit: SigningKit,
    tmp_path: Path,
) -> None:
    files = [_ai_image(shared_dir, signing_kit, tmp_path), PHOTO, _voice(shared_dir)]
    handles = [path.open("rb") for path in files]
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = api_client.post(
                "/api/v1/posts/", {"caption": SAMPLE_TEXT, "files": handles}, format="multipart"
            )
    finally:
        for handle in handles:
            handle.close()
    assert response.status_code == 202, response.content
    post = api_client.get(f"/api/v1/posts/{response.json()['id']}/").json()
    parts = post["parts"]
    assert [p["detection"]["modality"] for p in parts] == ["text", "image", "image", "audio"]
    assert all(p["detection"]["status"] == "completed" for p in parts), [
        p["detection"]["error_message"] for p in parts
    ]
    assert post["status"] == "completed"
    assert parts[1]["detection"]["verdict"] == "ai"  # the signed AI image
    assert post["verdict"] == "ai"
    assert post["probability_ai"] == max(p["detection"]["probability_ai"] for p in parts)
    disagreements = post["evidence"]["disagreements"]
    assert disagreements and all(d["ai_part"] == 1 for d in disagreements)
    human_parts = {p["index"] for p in parts if p["detection"]["verdict"] == "human"}
    assert {d["human_part"] for d in disagreements} == human_parts


def _spoken(shared: Path) -> list[Any]:
    from detection.engine.fusion.speech_pairs import spoken_clips

    clips = spoken_clips(shared / "data" / "audio")
    if len(clips) < 2:
        pytest.skip("no shared clips with their spoken sentence")
    return clips


def _post_voice(api_client: APIClient, capture: Any, path: Path, caption: str) -> dict[str, Any]:
    with path.open("rb") as handle, capture(execute=True):
        response = api_client.post(
            "/api/v1/posts/", {"caption": caption, "files": [handle]}, format="multipart"
        )
    assert response.status_code == 202, response.content
    return dict(api_client.get(f"/api/v1/posts/{response.json()['id']}/").json())


def test_speech_is_checked_against_the_caption_with_the_transcript(
    api_client: APIClient, django_capture_on_commit_callbacks: Any, shared_dir: Path
) -> None:
    own, other = _spoken(shared_dir)[:2]
    post = _post_voice(api_client, django_capture_on_commit_callbacks, own.path, own.text)
    assert post["status"] == "completed", post["evidence"]
    [check] = post["evidence"]["speech_vs_caption"]
    assert check["part"] == 0 and check["outcome"] == "match", check
    assert check["transcript"] and check["shared_words"]
    swapped = _post_voice(api_client, django_capture_on_commit_callbacks, own.path, other.text)
    [check] = swapped["evidence"]["speech_vs_caption"]
    assert check["outcome"] != "match", check
