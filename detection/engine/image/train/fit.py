"""Fit a standardised logistic head and measure it on held-out families.

Out-of-fold (OOF) protocol, the same for every feature view:

- AI images: leave one generator family out at a time; the family's scores come from a
  head trained on every other family (and on the real photos outside one fold);
- real photos: five fixed folds; each fold's scores come from a head trained on every AI
  family and the other four folds;
- photos that Python packages ship (``real-packaged``) are never trained on; they are
  scored by the final head, trained on everything else.

Calibration (Platt scaling and the verdict cuts) is then fitted on the OOF scores, so the
threshold is set on scores the head produced for images it had not seen.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...metrics import auroc, tpr_at_fpr
from ..heads import Head
from .dataset import PACKAGED_REAL, REAL_FOLDS, Sample


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float = 0.1) -> Head:
    """L2 logistic regression on standardised features, both classes weighted equally."""
    from sklearn.linear_model import LogisticRegression

    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
    model.fit((x - mean) / scale, y)
    return Head(mean, scale, model.coef_[0].astype(np.float64), float(model.intercept_[0]), {})


Fitter = Callable[[np.ndarray, np.ndarray], Any]
Scorer = Callable[[Any, np.ndarray], np.ndarray]


@dataclass
class OutOfFold:
    scores: np.ndarray  # one held-out score per sample (NaN where not scored)
    labels: np.ndarray
    families: list[str]
    names: list[str] = field(default_factory=list)
    per_family: dict[str, dict[str, float]] = field(default_factory=dict)
    overall: dict[str, float] = field(default_factory=dict)


def out_of_fold(
    samples: Sequence[Sample],
    views: Sequence[np.ndarray],
    fit: Fitter,
    score: Scorer,
) -> list[OutOfFold]:
    """Held-out scores of every view; heads train on all views (augmented copies) at once.

    ``views[i]`` is an (n_samples, d) array of one rendering of the images (colour,
    greyscale, low-resolution...). A head is fitted on the training images' rows of every
    view, so an augmented copy of a held-out image is never in its training set, and
    scores each view of the held-out images separately.
    """
    y = np.array([s.label for s in samples])
    families = [s.family for s in samples]
    packaged = np.array([f == PACKAGED_REAL for f in families])
    folds = np.array([s.real_fold if s.label == 0 else -1 for s in samples])
    scores = [np.full(len(samples), np.nan) for _ in views]
    ai_families = sorted({f for f, label in zip(families, y, strict=True) if label == 1})
    trainable = ~packaged

    def fit_on(rows: np.ndarray) -> Any:
        return fit(np.concatenate([v[rows] for v in views]), np.tile(y[rows], len(views)))

    def score_into(model: Any, rows: np.ndarray) -> None:
        for out, view in zip(scores, views, strict=True):
            out[rows] = score(model, view[rows])

    for i, family in enumerate(ai_families):
        held = np.array([f == family for f in families])
        # Keep one real fold out too, so the head is not fitted on every real photo.
        real_out = folds == i % REAL_FOLDS
        score_into(fit_on(trainable & ~held & ~real_out), held)
    for fold in range(REAL_FOLDS):
        held = (folds == fold) & trainable
        score_into(fit_on(trainable & ~held), held)
    score_into(fit_on(trainable), packaged)
    names = [s.path.name for s in samples]
    return [summarise(OutOfFold(s, y, families, names)) for s in scores]


def summarise(oof: OutOfFold, fprs: Sequence[float] = (0.01, 0.05)) -> OutOfFold:
    y, s = oof.labels, oof.scores
    packaged = np.array([f == PACKAGED_REAL for f in oof.families])
    real = (y == 0) & ~packaged
    for family in sorted(set(oof.families)):
        members = np.array([f == family for f in oof.families])
        if family == PACKAGED_REAL or not y[members].any():
            continue
        both = members | real
        oof.per_family[family] = {
            "n": int(members.sum()),
            "auroc": round(auroc(y[both], s[both]), 4),
            **{
                f"tpr_at_{round(f * 100)}pct_fpr": round(tpr_at_fpr(y[both], s[both], f), 4)
                for f in fprs
            },
        }
    usable = ~packaged
    oof.overall = {
        "n_ai": int((y[usable] == 1).sum()),
        "n_real": int(real.sum()),
        "auroc": round(auroc(y[usable], s[usable]), 4),
        **{
            f"tpr_at_{round(f * 100)}pct_fpr": round(tpr_at_fpr(y[usable], s[usable], f), 4)
            for f in fprs
        },
        "macro_auroc_over_families": round(
            float(np.mean([v["auroc"] for v in oof.per_family.values()])), 4
        ),
    }
    return oof
