"""The default video detector end to end on real videos (frames, faces, timeline, audio)."""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from detection.engine import registry
from detection.engine.errors import InputRejected, ModelUnavailable

from .conftest import BUNNY, CARPHONE

pytestmark = pytest.mark.model

FAST = {"max_frames": 3}


@pytest.fixture(scope="module")
def video_detector() -> Any:
    return registry.get_detector("video.frames")


@pytest.fixture(scope="module")
def carphone(video_detector: Any) -> Any:
    progress: list[tuple[float, str]] = []
    result = video_detector.detect(
        CARPHONE, options=FAST, progress=lambda f, m: progress.append((f, m))
    )
    result.evidence["_progress"] = progress
    return result


def test_video_is_routed_to_the_frames_detector_by_default() -> None:
    spec = registry.default_spec("video")
    assert spec.name == "video.frames"


def test_timeline_has_a_score_and_face_boxes_per_sampled_frame(carphone: Any) -> None:
    timeline = carphone.evidence["timeline"]
    assert [round(t["timestamp"]) for t in timeline] == [0, 1, 2]
    for entry in timeline:
        assert 0.0 <= entry["probability_ai"] <= 1.0
        (face,) = entry["faces"]  # carphone shows one face throughout
        x, y, w, _h, score, p_face = face
        assert 0 <= x < 176 and 0 <= y < 144 and w > 20 and score > 0.9
        assert 0.0 <= p_face <= 1.0
    aggregate = carphone.evidence["aggregate"]
    probs = [t["probability_ai"] for t in timeline]
    assert aggregate["mean"] == pytest.approx(sum(probs) / 3, abs=1e-3)
    assert aggregate["max"] == pytest.approx(max(probs), abs=1e-3)
    assert 0.0 <= aggregate["fraction_suspicious"] <= 1.0
    assert aggregate["faces_found"] == 3
    assert carphone.probability_ai == pytest.approx(aggregate["mean"], abs=1e-3)
    assert carphone.evidence["_progress"], "progress was never reported"
    # Frames done of the total, then the faces cropped from them (one per frame here).
    messages = [m for _, m in carphone.evidence["_progress"]]
    assert "frames analysed 3/3, faces 3/3" in messages, messages
    fractions = [f for f, _ in carphone.evidence["_progress"]]
    assert fractions == sorted(fractions)


def test_thumbnails_of_the_most_suspicious_frames_are_small_jpegs(carphone: Any) -> None:
    thumbs = carphone.evidence["thumbnails"]
    assert len(thumbs) == 3
    probs = [t["probability_ai"] for t in thumbs]
    assert probs == sorted(probs, reverse=True)
    image = Image.open(io.BytesIO(base64.b64decode(thumbs[0]["base64"])))
    assert image.format == "JPEG" and max(image.size) <= 160


def test_thumbnails_go_to_the_artifacts_dir_when_given(video_detector: Any, tmp_path: Path) -> None:
    result = video_detector.detect(
        CARPHONE, options={"max_frames": 2, "faces": False, "artifacts_dir": tmp_path}
    )
    names = [t["file"] for t in result.evidence["thumbnails"]]
    assert names and all("/" not in n and (tmp_path / n).is_file() for n in names)
    assert all("base64" not in t for t in result.evidence["thumbnails"])
    assert result.evidence["face_detector"] is None


def test_missing_audio_detector_is_reported_not_fatal(
    video_detector: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def unavailable(modality: str) -> Any:
        raise ModelUnavailable(f"no detector is available for {modality}")

    monkeypatch.setattr(registry, "default_spec", unavailable)
    result = video_detector.detect(BUNNY, options={"max_frames": 2})
    assert result.detector == "video.frames" and not result.members
    assert result.evidence["audio"]["status"].startswith("audio not analysed")
    assert any("audio not analysed" in w for w in result.warnings)


def test_soundtrack_is_fused_with_the_frames_when_an_audio_detector_runs(
    video_detector: Any,
) -> None:
    result = video_detector.detect(BUNNY, options={"max_frames": 2})
    status = result.evidence["audio"]["status"]
    if status != "analysed":
        pytest.skip(f"the registered audio detector did not run here: {status}")
    assert [m.modality for m in result.members] == ["video", "audio"]
    fusion = result.evidence["fusion"]
    assert fusion["members"][0] == "video.visual"
    assert isinstance(result.evidence["cross_modal_disagreement"], bool)


def test_video_without_audio_says_so(carphone: Any) -> None:
    assert carphone.evidence["audio"]["status"] == "no audio track"


def test_zero_frame_video_is_rejected(video_detector: Any, zero_frame_video: Path) -> None:
    with pytest.raises(InputRejected):
        video_detector.detect(zero_frame_video)
