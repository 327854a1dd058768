"""Upload checks for videos."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from detection.engine.errors import InputRejected
from detection.engine.video.validate import validate_upload

from .conftest import BIKES, BUNNY, CARPHONE


def test_real_video_passes_with_its_metadata() -> None:
    meta = validate_upload(CARPHONE)
    assert (meta["width"], meta["height"]) == (176, 144)
    assert meta["duration"] == pytest.approx(4.0, abs=0.1)
    assert meta["has_audio"] is False
    assert validate_upload(BUNNY)["has_audio"] is True


def test_zero_frame_video_is_rejected(zero_frame_video: Path) -> None:
    with pytest.raises(InputRejected, match=r"no frames|cannot be opened|no video track"):
        validate_upload(zero_frame_video)


def test_truncated_video_is_rejected(tmp_path: Path) -> None:
    data = BIKES.read_bytes()
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(InputRejected, match=r"corrupt or truncated|cannot be decoded"):
        validate_upload(cut)


def test_enormous_resolution_is_rejected(engine_env: Any) -> None:
    engine_env(DETECTION_VIDEO_MAX_PIXELS="640000")  # below 1280 x 720
    with pytest.raises(InputRejected, match="1280x720"):
        validate_upload(BUNNY)


def test_overlong_video_is_rejected(engine_env: Any) -> None:
    engine_env(DETECTION_VIDEO_MAX_SECONDS="5")
    with pytest.raises(InputRejected, match="10 s long"):
        validate_upload(BIKES)


def test_audio_only_container_is_rejected_as_having_no_video(audio_only_mp4: Path) -> None:
    with pytest.raises(InputRejected, match="no video track"):
        validate_upload(audio_only_mp4)


def test_image_bytes_named_mp4_are_rejected(tmp_path: Path) -> None:
    import sklearn

    fake = tmp_path / "clip.mp4"
    fake.write_bytes((Path(sklearn.__file__).parent / "datasets/images/china.jpg").read_bytes())
    with pytest.raises(InputRejected, match="not a video: its bytes are an image file"):
        validate_upload(fake)


def test_mp4_bytes_named_webm_are_rejected(tmp_path: Path) -> None:
    renamed = tmp_path / "clip.webm"
    renamed.write_bytes(CARPHONE.read_bytes())
    with pytest.raises(InputRejected, match=r"named \.webm"):
        validate_upload(renamed)
