"""End to end through ``audio.vote`` (AASIST + Whisper head by voting): real, synthetic,
silent and odd files. The default detector's own tests are in ``test_voice.py``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from detection.engine import registry
from detection.engine.errors import InputRejected
from detection.engine.result import DetectionResult

pytestmark = pytest.mark.model
VOTE = "audio.vote"


@pytest.fixture(scope="module")
def real_result(ensemble: object, real_speech: Path) -> DetectionResult:
    return registry.detect(real_speech, detector=VOTE)


@pytest.fixture(scope="module")
def tts_result(ensemble: object, tts_speech: Path) -> DetectionResult:
    return registry.detect(tts_speech, detector=VOTE)


def test_the_vote_keeps_both_members(
    real_result: DetectionResult,
) -> None:
    assert real_result.detector == "audio.vote"
    assert [m.detector for m in real_result.members] == ["audio.aasist", "audio.whisper_head"]
    for member in real_result.members:
        assert member.raw_score is not None and member.threshold is not None
        assert member.evidence["timeline"], "each member keeps its own timeline"
    ids = {m.id for m in real_result.models}
    assert "clovaai/aasist:AASIST" in ids and "snakers4/silero-vad" in ids
    DetectionResult.from_dict(real_result.to_dict())  # JSON round trip


def test_timeline_lists_scored_speech_windows_and_unscored_silence(
    real_result: DetectionResult,
) -> None:
    timeline = real_result.evidence["timeline"]
    speech = [row for row in timeline if row["speech"]]
    assert speech and all(0.0 <= row["probability_ai"] <= 1.0 for row in speech)
    assert all(set(row["members"]) == {"audio.aasist", "audio.whisper_head"} for row in speech)
    assert all(row["probability_ai"] is None for row in timeline if not row["speech"])
    assert all(row["start"] < row["end"] for row in timeline)
    assert real_result.evidence["duration_s"] == pytest.approx(9.4, abs=0.05)


def test_espeak_speech_scores_as_more_ai_than_real_speech(
    real_result: DetectionResult, tts_result: DetectionResult
) -> None:
    assert tts_result.probability_ai > real_result.probability_ai
    assert tts_result.verdict == "ai"
    for real_member, tts_member in zip(real_result.members, tts_result.members, strict=True):
        assert tts_member.raw_score > real_member.raw_score  # type: ignore[operator]


def test_held_out_real_reading_is_not_called_ai(real_result: DetectionResult) -> None:
    assert real_result.verdict in ("human", "uncertain")


def test_silence_only_is_uncertain_with_the_reason(
    ensemble: object, write_audio: Callable[..., Path]
) -> None:
    result = registry.detect(write_audio(np.zeros(16_000 * 3)), detector=VOTE)
    assert result.verdict == "uncertain"
    assert "no speech" in result.evidence["reason"]
    assert all(not row["speech"] for row in result.evidence["timeline"])
    assert all(m.verdict == "uncertain" for m in result.members)


def test_noise_is_not_scored_as_speech(ensemble: object, write_audio: Callable[..., Path]) -> None:
    noise = np.random.default_rng(3).normal(0, 0.05, 16_000 * 4)
    result = registry.detect(write_audio(noise), detector=VOTE)
    assert result.verdict == "uncertain"
    assert result.evidence["speech_s"] < 0.5


def test_multichannel_24_bit_speech_runs_end_to_end(
    ensemble: object, pocketsphinx_speech: Path, write_audio: Callable[..., Path]
) -> None:
    import soundfile as sf

    mono, rate = sf.read(str(pocketsphinx_speech))
    stereo = np.stack([mono, mono * 0.5, mono * 0.25, np.zeros_like(mono)], axis=1)
    path = write_audio(stereo, rate, name="four.wav", subtype="PCM_24")
    result = registry.detect(path, detector=VOTE)
    assert result.evidence["source"]["channels"] == 4
    assert all(m.evidence["windows_scored"] >= 1 for m in result.members)
    assert result.evidence["speech_s"] > 1.0


def test_bad_input_raises_input_rejected_not_a_crash(ensemble: object, tmp_path: Path) -> None:
    path = tmp_path / "fake.wav"
    path.write_bytes(b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(40))
    with pytest.raises(InputRejected):
        registry.detect(path, detector=VOTE)


def test_unknown_voting_option_is_rejected(ensemble: object, real_speech: Path) -> None:
    with pytest.raises(InputRejected, match="voting"):
        registry.detect(real_speech, detector=VOTE, options={"voting": "dictator"})
