"""Held-out figures in the shape every calibration file carries (shared contract 2).

``probabilities`` are calibrated P(AI) of images scored by heads that never saw their
group. The error-rate table says, at each probability, what share of held-out real images
reach it (would be flagged) and what share of AI images stay under it (would be missed);
the reliability table compares predicted and observed AI shares in ten equal bins.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...metrics import auroc, tpr_at_fpr

LEVELS = [round(0.05 * i, 2) for i in range(1, 20)]


def error_rates(
    y: np.ndarray, p: np.ndarray, extra: Sequence[float] = ()
) -> list[dict[str, float]]:
    real, ai = p[y == 0], p[y == 1]
    rows = []
    for level in sorted({*LEVELS, *(round(float(e), 6) for e in extra)}):
        rows.append(
            {
                "probability": level,
                "human_flagged": round(float((real >= level).mean()), 4) if len(real) else 0.0,
                "ai_missed": round(float((ai < level).mean()), 4) if len(ai) else 0.0,
            }
        )
    return rows


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    out = []
    for b in range(bins):
        rows = index == b
        if rows.any():
            out.append(
                {
                    "p_mean": round(float(p[rows].mean()), 4),
                    "frac_ai": round(float(y[rows].mean()), 4),
                    "n": int(rows.sum()),
                }
            )
    return out


def _family_figures(y: np.ndarray, s: np.ndarray, rows: np.ndarray) -> dict[str, Any]:
    real = y == 0
    labels = np.r_[np.ones(rows.sum()), np.zeros(real.sum())]
    scores = np.r_[s[rows], s[real]]
    return {
        "n": int(rows.sum()),
        "auroc": round(auroc(labels, scores), 4),
        "tpr_at_fpr": {
            "0.01": round(tpr_at_fpr(labels, scores, 0.01), 4),
            "0.05": round(tpr_at_fpr(labels, scores, 0.05), 4),
        },
    }


def holdout_section(
    y: np.ndarray,
    p: np.ndarray,
    groups: Sequence[str],
    *,
    ai_at: float,
    human_below: float,
    protocol: str,
) -> dict[str, Any]:
    """The calibration file's ``holdout`` block from held-out labels and probabilities."""
    g = np.asarray(groups)
    ok = np.isfinite(p)
    y, p, g = y[ok], p[ok], g[ok]
    per_family = {
        fam: _family_figures(y, p, (g == fam) & (y == 1)) for fam in sorted(set(g[y == 1]))
    }
    per_source = {}
    for src in sorted(set(g[y == 0])):
        rows = (g == src) & (y == 0)
        per_source[src] = {
            "n": int(rows.sum()),
            "called_ai": int((p[rows] >= ai_at).sum()),
            "fpr_at_ai_at": round(float((p[rows] >= ai_at).mean()), 4),
            "called_human": round(float((p[rows] < human_below).mean()), 4),
        }
    return {
        "protocol": protocol,
        "n_human": int((y == 0).sum()),
        "n_ai": int((y == 1).sum()),
        "sources": sorted(set(g)),
        "auroc": round(auroc(y, p), 4),
        "tpr_at_fpr": {
            "0.01": round(tpr_at_fpr(y, p, 0.01), 4),
            "0.05": round(tpr_at_fpr(y, p, 0.05), 4),
        },
        "at_shipped_cuts": {
            "ai_at": ai_at,
            "human_below": human_below,
            "human_flagged": round(float((p[y == 0] >= ai_at).mean()), 4),
            "ai_caught": round(float((p[y == 1] >= ai_at).mean()), 4),
            "ai_called_human": round(float((p[y == 1] < human_below).mean()), 4),
            "human_called_human": round(float((p[y == 0] < human_below).mean()), 4),
        },
        "error_rates": error_rates(y, p, extra=(ai_at, human_below)),
        "reliability": reliability(y, p),
        "per_family": per_family,
        "per_real_source": per_source,
    }
