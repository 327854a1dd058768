"""Held-out evaluation helpers: ROC figures, real-speech splits and calibration tables."""

from __future__ import annotations

import numpy as np
import pytest

from detection.engine.audio.train.calibrate_pool import fit, holdout_block
from detection.engine.audio.train.lofo import real_split, roc_figures, speaker_of
from detection.engine.audio.train.pool_build import PoolClip
from detection.engine.audio.train.pool_sources import HELD_OUT_REAL_SOURCES


def _clip(source: str, path: str, clip_id: str = "c0") -> PoolClip:
    return PoolClip(clip_id, "real", "human", source, "r", "", path, "", "", False, 3.0, "", "", "")


def test_roc_figures_of_a_perfect_and_a_useless_score() -> None:
    perfect = roc_figures(np.array([2.0, 3.0, 4.0]), np.array([0.0, 1.0]))
    assert perfect["auroc"] == 1.0 and perfect["eer"] == 0.0
    assert perfect["tpr_at_fpr_0.01"] == 1.0
    useless = roc_figures(np.ones(50), np.ones(50))
    assert useless["auroc"] == pytest.approx(0.5)


def test_tpr_at_fpr_counts_only_cuts_within_the_false_positive_budget() -> None:
    neg = np.arange(100, dtype=float)  # 0..99
    pos = np.array([95.5, 98.5, 200.0, 300.0])
    figs = roc_figures(pos, neg)
    # At <= 1 % FPR the cut must sit above 98: only 98.5, 200 and 300 pass.
    assert figs["tpr_at_fpr_0.01"] == 0.75
    assert figs["tpr_at_fpr_0.05"] == 1.0


def test_held_out_real_sources_are_always_test_and_speakers_stay_together() -> None:
    for source in HELD_OUT_REAL_SOURCES:
        assert real_split(_clip(source, "x/any.wav")) == "test"
    a = _clip("VCTK", "audio/vctk_orig/p225_001.wav", "a")
    b = _clip("VCTK", "wavs/Origins/p225_123_mic2.wav", "b")
    assert speaker_of(a) == speaker_of(b) == "p225"
    assert real_split(a) == real_split(b) in ("train", "cal")


def test_calibration_cuts_respect_the_false_positive_budget_and_tables_are_complete() -> None:
    rng = np.random.default_rng(0)
    pos = rng.normal(2.0, 1.0, 400)
    neg = rng.normal(-1.0, 1.0, 600)
    cal, raw_ai, _raw_human = fit(pos, neg)
    assert np.mean(neg >= raw_ai) <= 0.02
    block = holdout_block(cal, pos, neg, ["fam"], {})
    rates = {row["probability"]: row for row in block["error_rates"]}
    assert {round(0.05 * k, 2) for k in range(1, 20)} <= set(rates)
    flagged = rates[round(cal.ai_at, 4)]["human_flagged"]
    assert flagged <= 0.02
    assert sum(b["n"] for b in block["reliability"]) == len(pos) + len(neg)
