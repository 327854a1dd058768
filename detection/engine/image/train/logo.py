"""Leave-one-group-out scores: every image scored by a head that never saw its group.

A fold holds out one AI generator family and one real source at once (every group is
held out at least once; real sources come round again as the AI families outnumber
them). Holding out a group also holds out everything sharing its content (an aligned
reconstruction travels with the real photo it was made from). ``unseen`` groups are
never trained on: they are scored by the final head, fitted on every trainable image.
Heads train on both views of their training images and score both views of the held-out
ones, so a degraded copy of a held-out image never informs its own score.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .corpus_dataset import CorpusSample

Fit = Callable[[np.ndarray, np.ndarray, np.ndarray], Any]  # (x, y, weight) -> model
Score = Callable[[Any, np.ndarray], np.ndarray]


@dataclass
class Fold:
    held_groups: tuple[str, ...]
    test: np.ndarray  # bool mask of images scored by this fold
    train: np.ndarray  # bool mask of images the fold's head trains on


def plan_folds(samples: list[CorpusSample]) -> list[Fold]:
    groups = np.array([s.group for s in samples])
    content = np.array([s.content_group for s in samples])
    trainable = np.array([s.role == "train" for s in samples])
    labels = np.array([s.label for s in samples])
    ai = sorted({g for g, y, t in zip(groups, labels, trainable, strict=True) if y and t})
    real = sorted({g for g, y, t in zip(groups, labels, trainable, strict=True) if not y and t})
    folds = []
    for i in range(max(len(ai), len(real))):
        held = (ai[i % len(ai)], real[i % len(real)])
        out = np.isin(groups, held) | np.isin(content, held)
        test = np.isin(groups, held) & trainable
        # a real source that comes round again is scored only on its first fold
        if i >= len(real):
            test &= labels == 1
        if i >= len(ai):
            test &= labels == 0
        folds.append(Fold(held, test, trainable & ~out))
    return folds


def group_weights(samples: list[CorpusSample], mask: np.ndarray) -> np.ndarray:
    """Each group's images share a weight of sqrt(group size); classes weigh the same.

    Without it, the two largest groups (StyleGAN2 faces, ImageNet photos) would set most
    of the head; with equal weights per group, 3-image families would.
    """
    groups = np.array([s.group for s in samples])
    labels = np.array([s.label for s in samples])
    w = np.zeros(len(samples))
    for g in set(groups[mask]):
        rows = mask & (groups == g)
        w[rows] = np.sqrt(rows.sum()) / rows.sum()
    for y in (0, 1):
        rows = mask & (labels == y)
        if rows.any():
            w[rows] /= w[rows].sum()
    return w * mask.sum() / 2.0


def out_of_fold(
    samples: list[CorpusSample],
    views: list[np.ndarray],
    fit: Fit,
    score: Score,
    folds: list[Fold] | None = None,
) -> tuple[np.ndarray, Any]:
    """(n, n_views) held-out scores, and the final head trained on every trainable image."""
    folds = folds or plan_folds(samples)
    y = np.array([s.label for s in samples])
    out = np.full((len(samples), len(views)), np.nan)

    def fit_on(mask: np.ndarray) -> Any:
        w = group_weights(samples, mask)
        x = np.concatenate([v[mask] for v in views])
        return fit(x, np.tile(y[mask], len(views)), np.tile(w[mask], len(views)))

    for fold in folds:
        model = fit_on(fold.train)
        for j, v in enumerate(views):
            out[fold.test, j] = score(model, v[fold.test])
    trainable = np.array([s.role == "train" for s in samples])
    final = fit_on(trainable)
    for j, v in enumerate(views):
        out[~trainable, j] = score(final, v[~trainable])
    return out, final
