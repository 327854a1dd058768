"""The default audio detector (voice ensemble): verdicts, timeline, tracing, live windows."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from detection.engine import registry
from detection.engine.audio.voice import CALIBRATION, HEADS
from detection.engine.result import DetectionResult

from .conftest import speech_samples

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def real_result(voice: object, pocketsphinx_speech: Path) -> DetectionResult:
    # pocketsphinx-testdata is a real source the detector was never trained or calibrated on.
    return registry.detect(pocketsphinx_speech, "audio")


@pytest.fixture(scope="module")
def tts_result(voice: object, tts_speech: Path) -> DetectionResult:
    return registry.detect(tts_speech, "audio")


def test_the_audio_default_is_the_voice_ensemble_with_calibrated_members(
    real_result: DetectionResult,
) -> None:
    fusion = json.loads((HEADS / "voice_fusion.json").read_text())
    assert real_result.detector == "audio.ensemble"
    assert [m.detector for m in real_result.members] == [
        f"audio.voice.{name}" for name in fusion["members"]
    ]
    for member in real_result.members:
        assert 0.0 <= member.probability_ai <= 1.0 and member.raw_score is not None
    ids = {m.id for m in real_result.models}
    assert "snakers4/silero-vad" in ids and any("whisper" in i for i in ids)
    DetectionResult.from_dict(real_result.to_dict())  # JSON round trip


def test_synthetic_speech_scores_as_more_ai_than_an_unseen_real_reading(
    real_result: DetectionResult, tts_result: DetectionResult
) -> None:
    assert tts_result.probability_ai > real_result.probability_ai
    assert real_result.verdict in ("human", "uncertain")


def test_timeline_windows_carry_calibrated_probabilities(tts_result: DetectionResult) -> None:
    speech = [row for row in tts_result.evidence["timeline"] if row["speech"]]
    assert speech and all(0.0 <= row["probability_ai"] <= 1.0 for row in speech)
    assert tts_result.evidence["windows_scored"] == len(speech)
    assert (
        "held-out" in tts_result.evidence["calibration"]
        or "out-of-family" in (tts_result.evidence["calibration"])
    )


def test_source_tracing_names_a_known_family_with_a_confidence(
    tts_result: DetectionResult,
) -> None:
    tracing = tts_result.evidence["source_tracing"]
    known = json.loads((HEADS / "voice_tracing.json").read_text())["families"]
    assert tracing["family"] in known
    assert 0.0 < tracing["confidence"] <= 1.0
    assert all(alt["confidence"] <= tracing["confidence"] for alt in tracing["alternatives"])


def test_progress_is_reported_per_window(voice: object, tts_speech: Path) -> None:
    seen: list[float] = []
    messages: list[str] = []
    registry.detect(
        tts_speech, "audio", progress=lambda f, msg: (seen.append(f), messages.append(msg))
    )
    assert len(seen) >= 2 and seen == sorted(seen) and seen[-1] <= 1.0
    assert any(m.startswith("audio windows done ") for m in messages), messages


def test_silence_is_uncertain_with_the_reason(
    voice: object, write_audio: Callable[..., Path]
) -> None:
    result = registry.detect(write_audio(np.zeros(16_000 * 3)), "audio")
    assert result.verdict == "uncertain" and "no speech" in result.evidence["reason"]


def test_live_window_of_synthetic_speech_scores_above_real(
    voice: object, tts_speech: Path, pocketsphinx_speech: Path
) -> None:
    synthetic = voice.score_live(speech_samples(tts_speech)[:32_000])  # type: ignore[attr-defined]
    real = voice.score_live(speech_samples(pocketsphinx_speech)[:32_000])  # type: ignore[attr-defined]
    assert synthetic.probability_ai > real.probability_ai
    assert {"whisper", "spectral"} <= set(synthetic.timings)


@pytest.mark.parametrize("name", ["voice.json", "voice.window.json", "voice.live.json"])
def test_calibration_files_carry_held_out_error_rates(name: str) -> None:
    data = json.loads((CALIBRATION / name).read_text())
    holdout = data["holdout"]
    assert holdout["n_human"] > 0 and holdout["n_ai"] > 0 and holdout["sources"]
    probabilities = [row["probability"] for row in holdout["error_rates"]]
    assert {0.05, 0.5, 0.95} <= set(probabilities)
    assert round(data["verdict"]["ai_at"], 4) in probabilities
    assert all(0.0 <= row["human_flagged"] <= 1.0 for row in holdout["error_rates"])
    assert holdout["reliability"] and set(holdout["tpr_at_fpr"]) == {"0.01", "0.05"}
    assert 0.5 < holdout["auroc"] <= 1.0
