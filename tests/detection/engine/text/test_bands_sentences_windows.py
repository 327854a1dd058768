"""Window sampling, surface features, band cuts and sentence calibration (no models)."""

from __future__ import annotations

import numpy as np

from detection.engine.calibration import Calibration
from detection.engine.text.fusion_model import LearnedFusion
from detection.engine.text.members.surface_features import FEATURE_NAMES, surface_features
from detection.engine.text.train.holdout import error_table, figures, reliability
from detection.engine.text.windows import Window, sample_windows


def _windows(n: int) -> list[Window]:
    return [Window(0, 511 * k, 511 * (k + 1), 511 * k) for k in range(n)]


def test_long_text_is_scored_on_evenly_spread_windows_first_and_last_kept() -> None:
    picked = sample_windows(_windows(26), 4)
    assert [w.start // 511 for w in picked] == [0, 8, 17, 25]
    assert sample_windows(_windows(3), 4) == _windows(3)
    assert sample_windows(_windows(5), 0) == _windows(5)


def test_surface_features_ignore_spacing_and_quote_artefacts() -> None:
    plain = "It's a fine day. We walked to the river and back! Then we ate."
    messy = "It\u2019s a  fine day.   We walked to the river and back!  Then we ate."
    assert np.allclose(surface_features(plain), surface_features(messy))
    assert surface_features(plain).shape == (len(FEATURE_NAMES),)


def test_surface_features_see_lowercase_starts_and_stock_phrases() -> None:
    learner = "i think is good. because people need it. and i like it very much."
    stock = "Additionally, it is crucial to foster a robust landscape. Overall, it is vital."
    idx = FEATURE_NAMES.index
    assert surface_features(learner)[idx("lowercase_sentence_start")] > 0.5
    assert surface_features(stock)[idx("stock_phrase_rate")] > 0.3


def _fusion(**extra: object) -> LearnedFusion:
    params = {"members": ["a"], "weights": {"a": 1.0}, "intercept": 0.0, "a": 1.0, "b": 0.0}
    return LearnedFusion(Calibration("platt", params | extra, 0.9, 0.2))


def test_length_bands_give_short_texts_their_own_stricter_cut() -> None:
    fusion = _fusion(
        by_length=[
            {"min_words": 0, "ai_at": 0.97, "human_below": 0.3},
            {"min_words": 150, "ai_at": 0.9, "human_below": 0.2},
        ]
    )
    assert fusion.cuts_for(60) == (0.97, 0.3)
    assert fusion.cuts_for(400) == (0.9, 0.2)
    assert fusion.verdict(0.95, 60) == "uncertain" and fusion.verdict(0.95, 400) == "ai"


def test_short_sentences_land_near_the_middle_under_the_sentence_calibration() -> None:
    fusion = _fusion(
        sentence_by_words=[
            {"min_words": 0, "a": 0.1, "b": 0.0},
            {"min_words": 16, "a": 1.0, "b": 0.0},
        ]
    )
    strong = {"a": 0.99}
    assert abs(fusion.sentence_probability(strong, 4) - 0.5) < 0.15
    assert fusion.sentence_probability(strong, 30) > 0.95


def test_error_table_and_reliability_follow_the_shared_contract() -> None:
    y = np.array([0, 0, 0, 1, 1, 1])
    p = np.array([0.1, 0.2, 0.7, 0.6, 0.8, 0.95])
    table = error_table(y, p, [0.66])
    assert [r["probability"] for r in table][:2] == [0.05, 0.1] and len(table) == 20
    at_cut = next(r for r in table if r["probability"] == 0.66)
    assert at_cut["human_flagged"] == round(1 / 3, 4) and at_cut["ai_missed"] == round(1 / 3, 4)
    bins = reliability(y, p)
    assert sum(b["n"] for b in bins) == 6 and all(0 <= b["frac_ai"] <= 1 for b in bins)
    row = figures(p[y == 0], p[y == 1], ["human", "human", "ai"], ["ai", "ai", "uncertain"])
    assert row["auroc"] == round(8 / 9, 4)
    assert row["human_texts_called"]["ai"] == round(1 / 3, 4)
