"""Each ensemble member as a detector of its own, with its real model."""

from __future__ import annotations

import pytest

from detection.engine.text.members.base import calibration_path
from detection.engine.text.train import dataset

pytestmark = pytest.mark.model


def _trained(member: str) -> None:
    if not calibration_path(member).is_file():
        pytest.skip(f"text member not trained here (calibration/{member}.json missing)")


@pytest.fixture(scope="module")
def modern_text() -> str:
    return next(it.text for it in dataset.assistant_style_items() if it.holdout)


def _check(result, name: str) -> None:
    assert result.detector == name
    assert result.verdict in ("ai", "human", "uncertain")
    assert 0.0 <= result.probability_ai <= 1.0
    assert result.raw_score is not None and result.threshold is not None
    assert result.models and result.models[0].id


def test_style_member_alone_gives_calibrated_sentence_scores(modern_text: str) -> None:
    _trained("style")
    from detection.engine.text.members.detectors import StyleDetector

    det = StyleDetector()
    det.load()
    result = det.detect(modern_text)
    _check(result, "text.style")
    assert result.evidence["sentences"] and all(
        0.0 <= s["probability_ai"] <= 1.0 for s in result.evidence["sentences"]
    )
    assert 0.0 <= result.evidence["package_p_llm"] <= 1.0


def test_embedding_head_alone(modern_text: str) -> None:
    _trained("embedding_head")
    from detection.engine.text.members.detectors import EmbeddingHeadDetector

    det = EmbeddingHeadDetector()
    det.load()
    _check(det.detect(modern_text), "text.embedding_head")


def test_stats_head_alone_reports_its_features(detector, modern_text: str) -> None:
    _trained("stats_head")
    from detection.engine.text.members.detectors import StatsHeadDetector
    from detection.engine.text.members.extractors import LmStatsExtractor
    from detection.engine.text.members.stats_features import FEATURE_NAMES

    det = StatsHeadDetector()
    det.extractor = LmStatsExtractor(detector)  # share the session's Gemma
    det.load()
    result = det.detect(modern_text)
    _check(result, "text.stats_head")
    assert list(result.evidence["features"]) == list(FEATURE_NAMES)


def test_surface_head_alone_needs_no_model(modern_text: str) -> None:
    _trained("surface_head")
    from detection.engine.text.members.detectors import SurfaceHeadDetector

    det = SurfaceHeadDetector()
    det.load()
    result = det.detect(modern_text)
    _check(result, "text.surface_head")
    assert result.evidence["sentences"]
