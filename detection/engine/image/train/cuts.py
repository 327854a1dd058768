"""Verdict cuts chosen on held-out scores, for few false positives on every real source.

``ai_at`` is the lowest probability at which, on images no head was trained with, at most
``fpr_overall`` of all real images and at most ``fpr_source`` of each real source (with at
least ``min_source`` images) reach it; ``human_below`` is where at most ``fnr`` of AI
images fall under, never above ``ai_at``. Between the two cuts the verdict is
``uncertain``: the policy prefers that to a confident wrong answer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def _quantile_cut(values: np.ndarray, allowed: float) -> float:
    """Smallest cut c with mean(values >= c) <= allowed."""
    ordered = np.sort(values)
    k = int(np.floor(allowed * len(ordered)))  # how many may reach the cut
    if k >= len(ordered):
        return float(ordered[0])
    return float(np.nextafter(ordered[len(ordered) - k - 1], np.inf))


def ai_cut(
    p_real: np.ndarray,
    sources: Sequence[str],
    *,
    fpr_overall: float,
    fpr_source: float,
    min_source: int = 20,
) -> float:
    src = np.asarray(sources)
    cut = _quantile_cut(p_real, fpr_overall)
    for name in sorted(set(src)):
        rows = src == name
        if rows.sum() >= min_source:
            cut = max(cut, _quantile_cut(p_real[rows], fpr_source))
    return float(min(cut, 0.999))


def human_cut(p_ai: np.ndarray, fnr: float, ai_at: float) -> float:
    ordered = np.sort(p_ai)
    k = int(np.floor(fnr * len(ordered)))
    return float(min(ordered[min(k, len(ordered) - 1)], ai_at))
