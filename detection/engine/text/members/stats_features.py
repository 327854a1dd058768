"""Per-text features from per-token LM statistics (numpy only).

From the zero-shot scorer's three numbers per token (ll = log q(x_i), xent = expected
surprise, var = its variance) this builds a fixed-length row:

- level: mean and spread of the surprise (-ll), mean entropy, the two zero-shot scores;
- shape: a histogram of log-probabilities (the scorer does not expose token ranks; a
  token with log q > -0.1 is the model's near-certain first choice, so the top bins play
  the part of a rank histogram), and quantiles of the per-token standardised discrepancy
  z = (ll + xent) / sqrt(var);
- burstiness: how much the mean surprise varies from sentence to sentence, and how much
  sentence lengths vary (human writing is burstier on both, in the GPTZero sense).
"""

from __future__ import annotations

import itertools

import numpy as np

from ..criteria import scores_from_sums
from ..sentences import split_sentences

LL_BINS = (-0.1, -1.0, -3.0, -6.0)
# The heads are trained on texts of up to ~256 scored tokens: the length feature is held
# there so a long text is not extrapolated to (its averages are only tighter).
MAX_FEATURE_TOKENS = 256  # edges, high to low: (>-0.1], (-1,-0.1], ...
FEATURE_NAMES = (
    "nll_mean",
    "nll_std",
    "xent_mean",
    "var_mean",
    "binoculars",
    "fast_detectgpt",
    "ll_bin_top",
    "ll_bin_high",
    "ll_bin_mid",
    "ll_bin_low",
    "ll_bin_tail",
    "z_q10",
    "z_q50",
    "z_q90",
    "z_std",
    "sentence_nll_std",
    "sentence_nll_range",
    "sentence_binoculars_std",
    "sentence_length_cv",
    "log_tokens",
)


def stats_features(text: str, arrays: dict[str, np.ndarray]) -> np.ndarray:
    ll, xent, var = arrays["ll"], arrays["xent"], arrays["var"]
    n = len(ll)
    if n == 0:
        return np.zeros(len(FEATURE_NAMES))
    nll = -ll
    scores = scores_from_sums(float(ll.sum()), float(xent.sum()), float(var.sum()), n)
    edges = (np.inf, *LL_BINS, -np.inf)
    bins = [float(np.mean((ll <= hi) & (ll > lo))) for hi, lo in itertools.pairwise(edges)]
    z = (ll + xent) / np.sqrt(np.maximum(var, 1e-6))
    q10, q50, q90 = np.quantile(z, [0.1, 0.5, 0.9])

    # Sentences: tokens grouped by the sentence holding their last character.
    spans = split_sentences(text)
    starts = np.asarray([s for s, _ in spans] or [0], dtype=np.int64)
    last = np.maximum(arrays["offsets"][:, 1] - 1, arrays["offsets"][:, 0])
    which = np.clip(np.searchsorted(starts, last, side="right") - 1, 0, None)
    per_nll, per_bino, lengths = [], [], []
    for k in np.unique(which):
        mask = which == k
        if mask.sum() < 3:
            continue  # a two-token fragment says nothing about burstiness
        per_nll.append(float(nll[mask].mean()))
        s = scores_from_sums(
            float(ll[mask].sum()), float(xent[mask].sum()), float(var[mask].sum()), int(mask.sum())
        )
        per_bino.append(s["binoculars"])
        lengths.append(float(mask.sum()))
    per_nll_a, lengths_a = np.asarray(per_nll or [0.0]), np.asarray(lengths or [1.0])
    row = [
        float(nll.mean()),
        float(nll.std()),
        float(xent.mean()),
        float(var.mean()),
        scores["binoculars"],
        scores["fast_detectgpt"],
        *bins,
        float(q10),
        float(q50),
        float(q90),
        float(z.std()),
        float(per_nll_a.std()),
        float(per_nll_a.max() - per_nll_a.min()),
        float(np.std(per_bino)) if per_bino else 0.0,
        float(lengths_a.std() / max(lengths_a.mean(), 1.0)),
        float(np.log(min(n, MAX_FEATURE_TOKENS))),
    ]
    return np.asarray(row, dtype=float)
