"""Frame sampling, face detection and soundtrack extraction on real videos."""

from __future__ import annotations

import wave
from pathlib import Path

import pytest

from detection.engine.video.audio_track import SAMPLE_RATE, extract_wav, has_audio
from detection.engine.video.faces import FaceDetector, crop
from detection.engine.video.frames import SamplingOptions, sample_frames

from .conftest import BIKES, BUNNY, CARPHONE


def test_frames_are_sampled_once_a_second_plus_scene_changes() -> None:
    frames, info = sample_frames(BIKES, SamplingOptions())
    assert info.fps == pytest.approx(25.0)
    interval = [f for f in frames if f.reason == "interval"]
    assert [round(f.timestamp) for f in interval] == list(range(10))
    # bikes.mp4 is cut from several shots; the cuts are picked up between the seconds.
    assert any(f.reason == "scene change" for f in frames)
    times = [f.timestamp for f in frames]
    assert times == sorted(times) and len(set(times)) == len(times)
    assert frames[0].rgb.shape == (272, 640, 3)


def test_sampling_rate_and_frame_budget_are_options() -> None:
    frames, _ = sample_frames(
        BIKES, SamplingOptions(sample_fps=2.0, scene_checks_per_second=0.5, max_frames=5)
    )
    assert len(frames) == 5
    assert [f.timestamp for f in frames[:3]] == pytest.approx([0.0, 0.48, 1.0], abs=0.05)


def test_retinaface_finds_the_face_in_a_real_video() -> None:
    frames, _ = sample_frames(CARPHONE, SamplingOptions(max_frames=2))
    detector = FaceDetector()
    assert detector.backend == "retinaface"
    faces = detector.detect(frames[0].rgb)
    assert len(faces) == 1
    face = faces[0]
    assert face.score > 0.9 and 30 <= face.width <= 100
    patch = crop(frames[0].rgb, face)
    assert patch.width >= face.width


def test_soundtrack_is_extracted_as_16_khz_mono(tmp_path: Path) -> None:
    assert has_audio(BUNNY) and not has_audio(CARPHONE)
    seconds = extract_wav(BUNNY, tmp_path / "track.wav")
    assert seconds == pytest.approx(5.3, abs=0.2)
    with wave.open(str(tmp_path / "track.wav")) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (SAMPLE_RATE, 1, 2)
