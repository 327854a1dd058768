from __future__ import annotations

import pytest

from detection.engine.calibration import Calibration
from detection.engine.metrics import auroc, fit_platt, threshold_at_fpr, tpr_at_fpr
from detection.engine.result import DetectionResult
from detection.engine.sniff import sniff
from detection.engine.voting import vote


def _member(name: str, verdict: str, p: float) -> DetectionResult:
    return DetectionResult(modality="text", detector=name, verdict=verdict, probability_ai=p)  # type: ignore[arg-type]


def test_auroc_of_perfectly_separated_scores_is_one_and_ties_count_half() -> None:
    assert auroc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9]) == 1.0
    assert auroc([0, 1], [0.5, 0.5]) == 0.5


def test_threshold_at_fpr_flags_no_more_humans_than_allowed() -> None:
    labels = [0] * 100 + [1] * 10
    scores = list(range(100)) + [200] * 10
    t = threshold_at_fpr(labels, scores, 0.05)
    flagged = sum(1 for s in scores[:100] if s >= t)
    assert flagged <= 5
    assert tpr_at_fpr(labels, scores, 0.01) == 1.0


def test_platt_fit_orders_probabilities_with_scores() -> None:
    a, b = fit_platt([0, 0, 0, 1, 1, 1], [1.0, 2.0, 3.5, 3.0, 5.0, 6.0])
    cal = Calibration("platt", {"a": a, "b": b}, ai_at=0.8, human_below=0.2)
    assert cal.probability(1.0) < 0.5 < cal.probability(6.0)
    assert cal.verdict(0.9) == "ai" and cal.verdict(0.1) == "human"
    assert cal.verdict(0.5) == "uncertain"


def test_isotonic_calibration_interpolates_and_clamps() -> None:
    cal = Calibration("isotonic", {"x": [0.0, 1.0], "y": [0.1, 0.9]}, ai_at=0.7, human_below=0.3)
    assert cal.probability(-5) == pytest.approx(0.1)
    assert cal.probability(0.5) == pytest.approx(0.5)
    assert cal.probability(5) == pytest.approx(0.9)


def test_voting_methods_differ_on_a_split_panel() -> None:
    members = [_member("a", "ai", 0.9), _member("b", "ai", 0.8), _member("c", "human", 0.1)]
    assert vote(members, "majority")[0] == "ai"
    assert vote(members, "unanimous")[0] == "uncertain"
    verdict, p = vote(members, "weighted", weights={"c": 2.0}, ai_at=0.6, human_below=0.4)
    assert p == pytest.approx((0.9 + 0.8 + 0.2) / 4)
    assert verdict == "uncertain"


def test_sniff_tells_types_from_bytes() -> None:
    assert sniff(b"\x89PNG\r\n\x1a\n" + b"\0" * 20).modality == "image"  # type: ignore[union-attr]
    assert sniff(b"RIFF\0\0\0\0WAVEfmt ").content_type == "audio/wav"  # type: ignore[union-attr]
    assert sniff(b"\0\0\0\x18ftypisom").modality == "video"  # type: ignore[union-attr]
    assert sniff(b"hello world") is None


def test_result_rejects_probability_outside_unit_interval() -> None:
    with pytest.raises(ValueError):
        _member("a", "ai", 1.5)
