"""The two zero-shot criteria, from per-token statistics (numpy only).

Both are oriented so that higher means more AI-like, and both are per-token
normalised, so a cut fitted on texts of one length transfers to texts of another:

- ``binoculars`` = ln(sum xent / sum nll), where nll = -ll. The Binoculars score
  (Hans et al., 2024) is B = log-perplexity / log-cross-perplexity = sum nll / sum xent,
  and machine text has B < 1; -ln(B) is 0 where the text is exactly as surprising as the
  models expect, positive when it is less surprising (AI-like).
- ``fast_detectgpt`` = sum(ll + xent) / sqrt(n * sum var): the analytic sampling
  discrepancy of Fast-DetectGPT (Bao et al., 2024), sum(ll - mu) / sqrt(sum sigma^2)
  with mu = -xent, divided by sqrt(n). The paper's statistic grows like sqrt(n) with
  length; dividing keeps one threshold valid for short and long texts alike.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

SCORE_NAMES = ("binoculars", "fast_detectgpt")


def scores_from_sums(ll: float, xent: float, var: float, n: int) -> dict[str, float]:
    nll = max(-ll, 1e-9)  # every log-probability is < 0, so nll > 0 unless n == 0
    return {
        "binoculars": float(math.log(max(xent, 1e-9) / nll)),
        "fast_detectgpt": float((ll + xent) / math.sqrt(max(n * var, 1e-12))),
    }


def raw_score(scores: Mapping[str, float], definition: Mapping[str, object]) -> float:
    """The verdict's raw score: one named score, or a fixed linear combination of them."""
    name = str(definition["name"])
    if name != "combined":
        return float(scores[name])
    weights = definition["weights"]
    assert isinstance(weights, Mapping)
    return float(sum(float(w) * scores[k] for k, w in weights.items())) + float(
        definition.get("intercept", 0.0)  # type: ignore[arg-type]
    )


def group_sums(
    groups: np.ndarray, ll: np.ndarray, xent: np.ndarray, var: np.ndarray, n_groups: int
) -> np.ndarray:
    """(n_groups, 4) sums of ll, xent, var and the token count per group id."""
    out = np.zeros((n_groups, 4))
    for k, values in enumerate((ll, xent, var, np.ones_like(ll))):
        out[:, k] = np.bincount(groups, weights=values, minlength=n_groups)[:n_groups]
    return out


def prefix_scores(ll: np.ndarray, xent: np.ndarray, var: np.ndarray, n: int) -> dict[str, float]:
    """Scores of the first ``n`` scored tokens (the model is causal, so these are exactly
    the scores the text truncated to those tokens would get)."""
    return scores_from_sums(float(ll[:n].sum()), float(xent[:n].sum()), float(var[:n].sum()), n)
