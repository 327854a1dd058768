"""A standardised linear head stored as JSON (numpy only at run time; sklearn to fit).

``params["head"]`` holds the feature names, the training mean and standard deviation of
each feature and the logistic-regression weights; the head's decision value is the
member's raw score, which the member's Platt calibration maps to P(AI).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def head_raw(head: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """Decision values of a stored head for rows of features ``x`` (n, d)."""
    mu = np.asarray(head["mean"], dtype=float)
    sd = np.asarray(head["scale"], dtype=float)
    w = np.asarray(head["coef"], dtype=float)
    z = (np.atleast_2d(x) - mu) / sd
    return z @ w + float(head["intercept"])


def fit_head(
    x: np.ndarray,
    y: np.ndarray,
    groups: np.ndarray,
    names: Sequence[str],
    *,
    cs: Sequence[float] = (0.01, 0.03, 0.1, 0.3, 1.0),
    folds: int = 5,
) -> tuple[dict[str, Any], np.ndarray, dict[str, Any]]:
    """Fit a logistic head; return (head, out-of-fold raw scores, report).

    The regularisation strength is chosen by grouped cross-validated AUROC; the
    out-of-fold decision values are what the member's Platt scaling and the fusion are
    fitted on, so neither sees a score the head was trained on.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from ...metrics import auroc

    mu = x.mean(axis=0)
    sd = x.std(axis=0)
    sd[sd < 1e-9] = 1.0
    z = (x - mu) / sd
    splitter = GroupKFold(n_splits=folds)
    best: tuple[float, float, np.ndarray] | None = None
    by_c: dict[str, float] = {}
    for c in cs:
        oof = np.zeros(len(y))
        for train, test in splitter.split(z, y, groups):
            model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
            model.fit(z[train], y[train])
            oof[test] = model.decision_function(z[test])
        score = auroc(y.tolist(), oof.tolist())
        by_c[str(c)] = round(score, 4)
        if best is None or score > best[0] + 1e-6:
            best = (score, c, oof)
    assert best is not None
    _, c_best, oof_best = best
    model = LogisticRegression(C=c_best, class_weight="balanced", max_iter=2000).fit(z, y)
    head = {
        "features": list(names),
        "mean": mu.tolist(),
        "scale": sd.tolist(),
        "coef": model.coef_[0].tolist(),
        "intercept": float(model.intercept_[0]),
        "C": c_best,
    }
    report = {"cv_auroc_by_C": by_c, "chosen_C": c_best, "folds": folds}
    return head, oof_best, report
