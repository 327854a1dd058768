"""The training protocol: whole groups held out, aligned copies with their photos, no leaks."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from detection.engine.image.train.corpus_dataset import CorpusSample
from detection.engine.image.train.cuts import ai_cut, human_cut
from detection.engine.image.train.holdout import LEVELS, holdout_section
from detection.engine.image.train.logo import group_weights, out_of_fold, plan_folds


def _sample(i: int, group: str, label: int, role: str = "train", content: str = "") -> CorpusSample:
    return CorpusSample(
        Path(f"{i}.png"), label, group, group, role, content or group, f"{i:064x}", False
    )


def _samples() -> list[CorpusSample]:
    rows = []
    for i in range(90):
        if i < 30:
            rows.append(_sample(i, ["photos-a", "faces-b", "docs-c"][i % 3], 0))
        elif i < 36:
            rows.append(_sample(i, "portraits-unseen", 0, role="unseen"))
        elif i < 42:
            # reconstructions of faces-b photos: AI, but sharing faces-b's content
            rows.append(_sample(i, "aligned-vae", 1, content="faces-b"))
        else:
            rows.append(_sample(i, ["sdxl", "stylegan2", "flux", "gpt-image"][i % 4], 1))
    return rows


def test_each_fold_holds_out_whole_groups_and_the_reconstructions_of_held_photos() -> None:
    samples = _samples()
    groups = np.array([s.group for s in samples])
    content = np.array([s.content_group for s in samples])
    for fold in plan_folds(samples):
        trained = set(np.where(fold.train)[0])
        for held in fold.held_groups:
            leaked = {i for i in trained if groups[i] == held or content[i] == held}
            assert not leaked, f"{held} leaked into training"
        assert not (fold.test & fold.train).any()
        assert not any(samples[i].role == "unseen" for i in trained)


def test_every_image_is_scored_by_a_head_that_never_saw_it() -> None:
    samples = _samples()
    views = [
        np.arange(len(samples), dtype=float)[:, None],
        np.arange(len(samples))[:, None] + 1000.0,
    ]
    seen_by: list[set[int]] = []

    def fit(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> set[int]:
        ids = {int(v) % 1000 for v in x[:, 0]}
        seen_by.append(ids)
        return ids

    def score(seen: set[int], x: np.ndarray) -> np.ndarray:
        ids = x[:, 0].astype(int) % 1000
        assert not seen & set(ids.tolist()), (
            "a held-out image (or its degraded view) was trained on"
        )
        return ids.astype(float)

    oof, final = out_of_fold(samples, views, fit, score)
    assert np.isfinite(oof).all()  # trainable ones out of fold, unseen ones by the final head
    unseen = {i for i, s in enumerate(samples) if s.role == "unseen"}
    assert not unseen & final


def test_group_weights_give_both_classes_the_same_total() -> None:
    samples = _samples()
    mask = np.array([s.role == "train" for s in samples])
    w = group_weights(samples, mask)
    y = np.array([s.label for s in samples])
    assert np.isclose(w[mask & (y == 0)].sum(), w[mask & (y == 1)].sum())
    assert (w[~mask] == 0).all()


def test_ai_cut_keeps_every_real_source_under_its_false_positive_limit() -> None:
    rng = np.random.default_rng(0)
    p = np.concatenate([rng.uniform(0, 0.6, 400), rng.uniform(0.3, 0.95, 60)])
    sources = ["big"] * 400 + ["hard"] * 60
    cut = ai_cut(p, sources, fpr_overall=0.01, fpr_source=0.02)
    src = np.array(sources)
    assert (p >= cut).mean() <= 0.01
    for name in ("big", "hard"):
        assert (p[src == name] >= cut).mean() <= 0.02
    assert human_cut(rng.uniform(0.2, 1.0, 100), 0.05, cut) <= cut


def test_holdout_block_has_the_error_rates_and_reliability_the_ui_reads() -> None:
    rng = np.random.default_rng(1)
    y = np.r_[np.zeros(200, dtype=int), np.ones(200, dtype=int)]
    p = np.clip(np.r_[rng.beta(2, 5, 200), rng.beta(5, 2, 200)], 0, 1)
    groups = ["real-a"] * 100 + ["real-b"] * 100 + ["fam-x"] * 120 + ["fam-y"] * 80
    block = holdout_section(y, p, groups, ai_at=0.8, human_below=0.3, protocol="test")
    assert block["n_human"] == 200 and block["n_ai"] == 200
    levels = [row["probability"] for row in block["error_rates"]]
    assert set(LEVELS) <= set(levels) and 0.8 in levels and 0.3 in levels
    at = {row["probability"]: row for row in block["error_rates"]}
    assert at[0.8]["human_flagged"] == round(float((p[:200] >= 0.8).mean()), 4)
    assert sum(b["n"] for b in block["reliability"]) == 400
    assert set(block["per_family"]) == {"fam-x", "fam-y"}
    assert set(block["tpr_at_fpr"]) == {"0.01", "0.05"}
    assert set(block["per_real_source"]) == {"real-a", "real-b"}
