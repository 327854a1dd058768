"""Held-out figures in the shape the calibration files and the closing note use.

``error_table`` / ``reliability`` follow the shared contract for calibration files
(``"holdout"``: error rates at p = 0.05 ... 0.95 and at the shipped cuts, reliability over
ten equal-width bins); ``figures`` is the AUROC / TPR at 1 % and 5 % FPR / verdict shares
row of one held-out group.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ...metrics import auroc, threshold_at_fpr


def error_table(y: np.ndarray, p: np.ndarray, cuts: Sequence[float] = ()) -> list[dict[str, float]]:
    grid = sorted({round(0.05 * k, 2) for k in range(1, 20)} | {round(c, 4) for c in cuts})
    human, ai = p[y == 0], p[y == 1]
    return [
        {
            "probability": q,
            "human_flagged": round(float(np.mean(human >= q)) if len(human) else 0.0, 4),
            "ai_missed": round(float(np.mean(ai < q)) if len(ai) else 0.0, 4),
        }
        for q in grid
    ]


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict[str, float]]:
    out = []
    which = np.minimum((p * bins).astype(int), bins - 1)
    for b in range(bins):
        mask = which == b
        if mask.any():
            out.append(
                {
                    "p_mean": round(float(p[mask].mean()), 4),
                    "frac_ai": round(float(y[mask].mean()), 4),
                    "n": int(mask.sum()),
                }
            )
    return out


def tpr_at(human: np.ndarray, ai: np.ndarray, fpr: float) -> float:
    labels = [0] * len(human) + [1] * len(ai)
    cut = threshold_at_fpr(labels, [*human.tolist(), *ai.tolist()], fpr)
    return float(np.mean(ai >= cut)) if len(ai) else 0.0


def figures(
    human: np.ndarray,
    ai: np.ndarray,
    verdict_human: Sequence[str] = (),
    verdict_ai: Sequence[str] = (),
) -> dict[str, Any]:
    """AUROC and TPR at 1 % / 5 % FPR of AI scores against human scores, and verdicts."""
    row: dict[str, Any] = {"n_human": len(human), "n_ai": len(ai)}
    if len(human) and len(ai):
        labels = [0] * len(human) + [1] * len(ai)
        row["auroc"] = round(auroc(labels, [*human.tolist(), *ai.tolist()]), 4)
        row["tpr_at_fpr"] = {
            "0.01": round(tpr_at(human, ai, 0.01), 4),
            "0.05": round(tpr_at(human, ai, 0.05), 4),
        }
    for name, verdicts in (("ai", verdict_ai), ("human", verdict_human)):
        if verdicts:
            v = np.asarray(verdicts)
            row[f"{name}_texts_called"] = {
                k: round(float(np.mean(v == k)), 4) for k in ("ai", "uncertain", "human")
            }
    return row
