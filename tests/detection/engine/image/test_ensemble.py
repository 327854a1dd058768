"""The default image detector end to end, on real photos, shared AI images and signed files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from detection.engine import registry
from detection.engine.errors import InputRejected
from detection.engine.image import clip_encoder, heads

from .conftest import PACKAGED_PHOTOS, SKLEARN, SigningKit, sign_c2pa

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def photo_results(ensemble: Any) -> list[Any]:
    return ensemble.detect_batch(PACKAGED_PHOTOS)


def test_image_is_routed_to_the_ensemble_by_default() -> None:
    result = registry.detect(SKLEARN / "china.jpg")
    assert result.detector == "image.ensemble" and result.modality == "image"
    assert [m.detector for m in result.members] == ["image.provenance", "image.clip", "image.patch"]


def test_packaged_real_photos_are_rarely_called_ai(photo_results: list[Any]) -> None:
    # None of these photos was trained on. Measured with the committed heads: at most two
    # of the eight are called "ai" (the astronaut portrait is the hardest); a regression
    # in the heads or the pipeline shows up here first.
    called_ai = [
        p.name for p, r in zip(PACKAGED_PHOTOS, photo_results, strict=True) if r.verdict == "ai"
    ]
    assert len(called_ai) <= 2, called_ai
    assert np.mean([r.probability_ai for r in photo_results]) < 0.5


def test_ai_images_score_higher_than_real_photos(
    ensemble: Any, ai_images: list[Path], photo_results: list[Any]
) -> None:
    # These files were in the heads' training data, so this checks the wiring end to end;
    # generalisation to unseen generators is in clip_calibration.json's hold-out figures.
    ai = ensemble.detect_batch(ai_images)
    assert sum(r.verdict == "ai" for r in ai) >= 0.7 * len(ai)
    assert (
        np.mean([r.probability_ai for r in ai])
        > np.mean([r.probability_ai for r in photo_results]) + 0.3
    )


def test_every_member_is_reported_in_full(photo_results: list[Any]) -> None:
    result = photo_results[0]
    for member in result.members:
        assert member.models and member.evidence
        assert 0.0 <= member.probability_ai <= 1.0
    assert result.evidence["voting"]["method"] == "weighted"
    # Nothing in the photo's provenance, so only the learned heads vote.
    assert result.evidence["voting"]["voters"] == ["image.clip", "image.patch"]
    json.dumps(result.to_dict())  # the whole result is JSON-serialisable


def test_patch_heatmap_covers_the_image_and_names_the_worst_patch(photo_results: list[Any]) -> None:
    result = photo_results[0]  # astronaut.png, 512 x 512
    heatmap = result.evidence["patch_heatmap"]
    assert heatmap["image_size"] == [512, 512]
    assert heatmap["rows"] == heatmap["cols"] == 16  # 256 px canonical / 16 px patches
    values = [v for row in heatmap["grid"] for v in row]
    assert all(v is not None and 0.0 <= v <= 1.0 for v in values)
    assert len(set(values)) > 20  # a real map, not a constant
    x, y, w, h = result.evidence["most_suspicious_patch"]["box"]
    assert 0 <= x < x + w <= 512 and 0 <= y < y + h <= 512


def test_patch_scores_average_exactly_to_the_image_score(ensemble: Any) -> None:
    from detection.engine.image.clip_features import extract
    from detection.engine.image.patches import token_grid

    feats = extract(
        clip_encoder.shared_encoder(), [Image.open(SKLEARN / "china.jpg").convert("RGB")]
    )[0]
    head = ensemble.patch.head
    grid = token_grid(head, feats.tokens)
    assert grid.shape == (len(feats.boxes), 14, 14)
    assert float(grid.mean()) == pytest.approx(
        float(head.decision(heads.token_view(feats.tokens))), abs=1e-6
    )
    assert grid.std() > 0.1  # patches differ: a map, not a constant


def test_conclusive_c2pa_overrides_the_learned_detectors(
    ensemble: Any, signing_kit: SigningKit, tmp_path: Path
) -> None:
    photo = tmp_path / "photo.jpg"
    Image.open(SKLEARN / "china.jpg").save(photo, quality=92)
    signed = sign_c2pa(signing_kit, photo, tmp_path / "generated.jpg", "trainedAlgorithmicMedia")
    result = ensemble.detect(signed)
    assert result.members[1].verdict != "ai"  # the CLIP head alone sees a real photo
    assert result.verdict == "ai" and result.probability_ai >= 0.99
    assert result.evidence["decided_by"] == "provenance"
    assert "trainedAlgorithmicMedia" in result.evidence["override"]


def test_voting_method_comes_from_options_then_environment(ensemble: Any, engine_env: Any) -> None:
    photo = SKLEARN / "flower.jpg"
    assert (
        ensemble.detect(photo, options={"voting": "unanimous"}).evidence["voting"]["method"]
        == "unanimous"
    )
    engine_env(DETECTION_IMAGE_VOTING="majority")
    engine_env(DETECTION_IMAGE_WEIGHTS="image.clip=1,image.patch=0")
    result = ensemble.detect(photo)
    assert result.evidence["voting"]["method"] == "majority"
    assert result.evidence["voting"]["voters"] == ["image.clip"]
    with pytest.raises(InputRejected, match="unknown voting method"):
        ensemble.detect(photo, options={"voting": "dictator"})


def test_batch_is_bounded_and_matches_single_images(
    ensemble: Any, photo_results: list[Any], monkeypatch: pytest.MonkeyPatch, engine_env: Any
) -> None:
    engine_env(DETECTION_IMAGE_MAX_BATCH="2")
    encoder = clip_encoder.shared_encoder()
    rows: list[int] = []
    real_encode = encoder.encode

    def spy(batch: np.ndarray) -> Any:
        rows.append(len(batch))
        return real_encode(batch)

    monkeypatch.setattr(encoder, "encode", spy)
    batch = ensemble.detect_batch(PACKAGED_PHOTOS[:3])
    assert len(rows) == 2  # 3 images, at most 2 per batch
    # Each crop gets its own forward pass (the INT8 graph quantises per tensor), so a
    # score does not depend on the batch it was computed in.
    for got, single in zip(batch, photo_results[:3], strict=True):
        assert got.probability_ai == pytest.approx(single.probability_ai, abs=1e-9)


def test_a_bad_image_in_a_batch_is_rejected_by_name(ensemble: Any, tmp_path: Path) -> None:
    bad = tmp_path / "notes.png"
    bad.write_text("not an image")
    with pytest.raises(InputRejected, match=r"notes\.png"):
        ensemble.detect_batch([SKLEARN / "china.jpg", bad])


def test_committed_heads_carry_their_provenance_and_holdout_figures() -> None:
    for path in (heads.CLIP_CALIBRATION, heads.PATCH_CALIBRATION):
        data = json.loads(path.read_text())
        for key in ("data", "split", "date", "command", "encoder_sha256", "pipeline"):
            assert data["provenance"][key], key
        families = data["holdout"]["per_family"]
        assert {"sdxl", "stylegan2", "latent-diffusion"} <= set(families)
        assert all(0.5 <= f["auroc"] <= 1.0 for f in families.values())
        assert data["holdout"]["real_photos_flagged_ai"]["rate"] <= 0.06
