"""Fitting heads and the learned fusion (scikit-learn on synthetic member scores; no model)."""

from __future__ import annotations

import numpy as np

from detection.engine.text.fusion_model import LearnedFusion
from detection.engine.text.members.linear import fit_head, head_raw
from detection.engine.text.train.dataset import Item
from detection.engine.text.train.fit import fit_fusion, fusion_design


def _items(y: np.ndarray) -> list[Item]:
    return [Item(f"text {i}", int(v), "synthetic", "news", f"g{i}", False) for i, v in enumerate(y)]


def test_head_is_chosen_by_grouped_cv_and_scores_out_of_fold() -> None:
    rng = np.random.default_rng(1)
    y = np.repeat([0, 1], 60)
    x = rng.normal(size=(120, 5))
    x[:, 0] += 1.5 * y  # one informative feature among noise
    head, oof, report = fit_head(x, y, np.arange(120), [f"f{j}" for j in range(5)])
    assert report["chosen_C"] in (0.01, 0.03, 0.1, 0.3, 1.0)
    assert max(report["cv_auroc_by_C"].values()) > 0.75
    assert oof.shape == (120,) and np.corrcoef(oof, x[:, 0])[0, 1] > 0.5
    assert abs(head["coef"][0]) == max(abs(c) for c in head["coef"])
    assert head_raw(head, x).shape == (120,)


def test_fusion_learns_which_member_to_trust_and_orders_its_cuts() -> None:
    rng = np.random.default_rng(2)
    y = np.repeat([0, 1], 100)
    good = np.clip(0.5 + (y - 0.5) * 0.6 + rng.normal(0, 0.15, 200), 0.01, 0.99)
    noise = rng.uniform(0.05, 0.95, 200)
    probs = np.column_stack([good, noise])
    calibration, report = fit_fusion(["good", "noise"], probs, _items(y), fpr=0.01)
    weights = calibration.params["weights"]
    assert weights["good"] > 5 * abs(weights["noise"])
    assert 0.0 <= calibration.human_below <= calibration.ai_at <= 1.0
    assert report["chosen"]["design"] in ("linear", "pairwise")
    fusion = LearnedFusion(calibration)
    assert fusion.probability({"good": 0.95, "noise": 0.5}) > fusion.probability(
        {"good": 0.05, "noise": 0.5}
    )
    assert fusion_design(np.ones((3, 4)), True).shape == (3, 4 + 6)
