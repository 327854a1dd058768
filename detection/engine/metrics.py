"""Evaluation metrics shared by every calibrate/evaluate command (numpy only)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike


def auroc(labels: ArrayLike, scores: ArrayLike) -> float:
    """Area under the ROC curve; label 1 = AI. Ties count half (Mann-Whitney U)."""
    y = np.asarray(labels, dtype=int)
    s = np.asarray(scores, dtype=float)
    pos, neg = s[y == 1], s[y == 0]
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("AUROC needs both classes")
    order = np.argsort(np.concatenate([pos, neg]), kind="mergesort")
    ranks = np.empty(len(order), dtype=float)
    combined = np.concatenate([pos, neg])[order]
    # Average ranks over ties.
    i = 0
    while i < len(combined):
        j = i
        while j + 1 < len(combined) and combined[j + 1] == combined[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    rank_sum = ranks[: len(pos)].sum()
    return float((rank_sum - len(pos) * (len(pos) + 1) / 2.0) / (len(pos) * len(neg)))


def threshold_at_fpr(labels: ArrayLike, scores: ArrayLike, fpr: float) -> float:
    """Smallest raw threshold (score >= t is AI) whose false-positive rate is <= ``fpr``."""
    y = np.asarray(labels, dtype=int)
    neg = np.sort(np.asarray(scores, dtype=float)[y == 0])
    if len(neg) == 0:
        raise ValueError("threshold_at_fpr needs human samples")
    allowed = int(np.floor(fpr * len(neg)))
    # Scores strictly above the (n - allowed)-th human score are flagged.
    cut = neg[len(neg) - allowed - 1]
    return float(np.nextafter(cut, np.inf))


def tpr_at_fpr(labels: ArrayLike, scores: ArrayLike, fpr: float) -> float:
    y = np.asarray(labels, dtype=int)
    s = np.asarray(scores, dtype=float)
    t = threshold_at_fpr(y, s, fpr)
    return float((s[y == 1] >= t).mean())


def confusion(labels: Sequence[int], predicted: Sequence[str]) -> dict[str, dict[str, int]]:
    """Counts of verdicts per true class: {"human": {"ai": n, ...}, "ai": {...}}."""
    table: dict[str, dict[str, int]] = {
        "human": {"ai": 0, "human": 0, "uncertain": 0},
        "ai": {"ai": 0, "human": 0, "uncertain": 0},
    }
    for label, verdict in zip(labels, predicted, strict=True):
        table["ai" if label else "human"][verdict] += 1
    return table


def fit_platt(labels: ArrayLike, scores: ArrayLike) -> tuple[float, float]:
    """Platt scaling p = sigmoid(a * s + b), fitted by Newton's method on the log loss.

    Uses Platt's smoothed targets so a separable set does not send ``a`` to infinity.
    """
    y = np.asarray(labels, dtype=float)
    s = np.asarray(scores, dtype=float)
    n_pos, n_neg = y.sum(), len(y) - y.sum()
    t = np.where(y == 1, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    mu, sd = s.mean(), s.std() or 1.0
    x = (s - mu) / sd  # standardise for a well-conditioned Newton step
    a, b = 1.0, 0.0
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-(a * x + b)))
        w = p * (1 - p) + 1e-12
        grad = np.array([np.sum((p - t) * x), np.sum(p - t)])
        hess = np.array([[np.sum(w * x * x), np.sum(w * x)], [np.sum(w * x), np.sum(w)]])
        hess += np.eye(2) * 1e-9
        step = np.linalg.solve(hess, grad)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-10:
            break
    return float(a / sd), float(b - a * mu / sd)
