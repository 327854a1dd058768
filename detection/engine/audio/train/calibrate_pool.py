"""Calibration files from held-out scores, with the measured error rates (contract 2).

A calibration maps a raw (fused) score to P(AI) by Platt scaling fitted on scores that
were all made out of family: synthetic clips scored by a model that never saw their
family, real clips from speakers never trained on. The ``ai`` cut is where at most
``AI_FPR`` of the calibration split's real recordings score at or above it, and the
``human`` cut where at most ``HUMAN_FNR`` of the held-out synthetic ones score below it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...calibration import Calibration
from ...metrics import fit_platt
from .lofo import roc_figures

AI_FPR = 0.015  # shipped: at most 2 % of real recordings called "ai"; 1.5 % leaves a margin
HUMAN_FNR = 0.10
PROBABILITIES = [round(0.05 * k, 2) for k in range(1, 20)]


def _weighted_quantile_cut(neg: np.ndarray, w: np.ndarray, share: float) -> float:
    """Smallest t with weighted share of ``neg`` >= t at most ``share``."""
    order = np.argsort(neg)[::-1]
    s, ws = neg[order], w[order] / w.sum()
    cum = np.cumsum(ws)
    k = int(np.searchsorted(cum, share, side="right"))  # first k scores may be flagged
    return float(np.nextafter(s[k], np.inf)) if k < len(s) else float(s[-1])


def fit(
    pos: np.ndarray, neg: np.ndarray, w_neg: np.ndarray | None = None
) -> tuple[Calibration, float, float]:
    """(calibration, raw ai cut, raw human cut) from held-out synthetic / real raw scores."""
    w = np.ones(len(neg)) if w_neg is None else np.asarray(w_neg, dtype=float)
    # Platt on a class-balanced sample: replicate by weight via sorted quantiles.
    y = np.concatenate([np.ones(len(pos)), np.zeros(len(neg))])
    a, b = fit_platt(y.astype(int).tolist(), np.concatenate([pos, neg]).tolist())
    raw_ai = _weighted_quantile_cut(neg, w, AI_FPR)
    raw_human = float(np.quantile(pos, HUMAN_FNR)) if len(pos) else raw_ai
    draft = Calibration("platt", {"a": a, "b": b}, ai_at=1.0, human_below=0.0)
    ai_at = draft.probability(raw_ai)
    human_below = min(draft.probability(raw_human), ai_at)
    cal = Calibration(
        "platt",
        {"a": a, "b": b},
        ai_at=round(ai_at, 6),
        human_below=round(human_below, 6),
        raw_threshold=raw_ai,
    )
    return cal, raw_ai, raw_human


def holdout_block(
    cal: Calibration,
    pos_raw: np.ndarray,
    neg_raw: np.ndarray,
    sources: Sequence[str],
    per_family: dict[str, Any],
    w_neg: np.ndarray | None = None,
) -> dict[str, Any]:
    """The ``"holdout"`` section every calibration file carries (shared contract 2)."""
    w = np.ones(len(neg_raw)) if w_neg is None else np.asarray(w_neg, dtype=float)
    p_pos = np.array([cal.probability(float(r)) for r in pos_raw])
    p_neg = np.array([cal.probability(float(r)) for r in neg_raw])
    cuts = sorted({*PROBABILITIES, round(cal.ai_at, 4), round(cal.human_below, 4)})
    rates = [
        {
            "probability": p,
            "human_flagged": round(float(np.sum(w * (p_neg >= p)) / w.sum()), 4),
            "ai_missed": round(float(np.mean(p_pos < p)), 4) if len(p_pos) else None,
        }
        for p in cuts
    ]
    probs = np.concatenate([p_pos, p_neg])
    labels = np.concatenate([np.ones(len(p_pos)), np.zeros(len(p_neg))])
    weights = np.concatenate([np.ones(len(p_pos)), w * len(p_neg) / w.sum()])
    reliability = []
    for k in range(10):
        lo, hi = k / 10, (k + 1) / 10
        mask = (probs >= lo) & ((probs < hi) if k < 9 else (probs <= hi))
        if mask.any():
            ww = weights[mask]
            reliability.append(
                {
                    "p_mean": round(float(np.sum(probs[mask] * ww) / ww.sum()), 4),
                    "frac_ai": round(float(np.sum(labels[mask] * ww) / ww.sum()), 4),
                    "n": int(mask.sum()),
                }
            )
    figs = roc_figures(pos_raw, neg_raw, w)
    return {
        "n_human": len(neg_raw),
        "n_ai": len(pos_raw),
        "sources": list(sources),
        "error_rates": rates,
        "reliability": reliability,
        "auroc": figs.get("auroc"),
        "eer": figs.get("eer"),
        "tpr_at_fpr": {"0.01": figs.get("tpr_at_fpr_0.01"), "0.05": figs.get("tpr_at_fpr_0.05")},
        "families": per_family,
    }
