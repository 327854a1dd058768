"""Multimodal fusion: one verdict from the frames and the voice, disagreement made explicit."""

from __future__ import annotations

from typing import Any

import pytest

from detection.engine.errors import InputRejected
from detection.engine.fusion.fuse import disagreement, fuse, method_from
from detection.engine.result import DetectionResult, ModelRef


def _visual(verdict: str, p: float) -> DetectionResult:
    return DetectionResult(
        modality="video",
        detector="video.visual",
        verdict=verdict,  # type: ignore[arg-type]
        probability_ai=p,
        models=[ModelRef("clip")],
        elapsed_ms=10.0,
    )


def _audio(verdict: str, p: float) -> DetectionResult:
    return DetectionResult(
        modality="audio",
        detector="audio.ensemble",
        verdict=verdict,  # type: ignore[arg-type]
        probability_ai=p,
        models=[ModelRef("aasist")],
        elapsed_ms=5.0,
        warnings=["short clip"],
    )


def test_real_frames_with_a_synthetic_voice_are_flagged_and_called_ai() -> None:
    fused = fuse([_visual("human", 0.1), _audio("ai", 0.95)], detector="video.frames")
    assert fused.verdict == "ai" and fused.probability_ai == pytest.approx(0.95)
    assert fused.evidence["cross_modal_disagreement"] is True
    (pair,) = fused.evidence["fusion"]["disagreements"]
    assert pair["description"] == "the frames look real but the voice looks synthetic"
    assert pair["between"] == ["video.visual", "audio.ensemble"]
    assert [m.detector for m in fused.members] == ["video.visual", "audio.ensemble"]
    assert fused.warnings == ["short clip"]
    assert fused.elapsed_ms == pytest.approx(15.0)


def test_agreeing_modalities_raise_no_flag() -> None:
    fused = fuse([_visual("human", 0.1), _audio("human", 0.2)], detector="video.frames")
    assert fused.verdict == "human"
    assert fused.evidence["cross_modal_disagreement"] is False
    assert disagreement([_visual("ai", 0.9), _audio("ai", 0.8)])["flag"] is False


def test_large_probability_gap_is_flagged_even_without_opposite_verdicts() -> None:
    result = disagreement([_visual("uncertain", 0.45), _audio("ai", 0.97)])
    assert result["flag"] is True
    assert "inconclusive" in result["pairs"][0]["description"]


def test_voting_methods_are_available_for_fusion() -> None:
    members = [_visual("human", 0.1), _audio("ai", 0.9)]
    assert fuse(members, detector="x", method="unanimous").verdict == "uncertain"
    weighted = fuse(
        members,
        detector="x",
        method="weighted",
        weights={"video.visual": 3.0, "audio.ensemble": 1.0},
        ai_at=0.6,
        human_below=0.4,
    )
    assert weighted.probability_ai == pytest.approx((0.3 + 0.9) / 4)
    assert weighted.verdict == "human"
    # Disagreement is reported whatever the method.
    assert weighted.evidence["cross_modal_disagreement"] is True


def test_fusion_method_comes_from_options_then_environment(engine_env: Any) -> None:
    assert method_from(None) == "any"
    engine_env(DETECTION_FUSION_METHOD="majority")
    assert method_from({}) == "majority"
    assert method_from({"fusion": "weighted"}) == "weighted"
    with pytest.raises(InputRejected, match="unknown fusion method"):
        method_from({"fusion": "loudest"})
