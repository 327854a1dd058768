"""The patch head (last-layer patch tokens) and its per-cell calibration.

The head reads the mean last-layer patch token; being linear, its score of the mean token is
the mean of its scores of the single tokens, so it scores every 16 px patch. A single patch
holds far less evidence than an image, so cells get a calibration of their own, fitted on
held-out single-token scores (16 random patches of each image, scored by the fold's head):
a cell's ``probability_ai`` is on the verdict's scale, and an uninformative patch lands near
the uncertain middle instead of borrowing the image's confidence (shared contract 1).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import heads
from .layer_features import FeatureSpec, FeatureTable
from .layered import fit_head
from .logo import Fold, group_weights

PATCH_SPEC = FeatureSpec((11,), ("patch",))


@dataclass
class PatchScores:
    oof: np.ndarray  # (n, 2 views) held-out image scores
    cells: np.ndarray  # (n, 16) held-out single-patch scores (canonical view)
    head: heads.Head


def train_patch(table: FeatureTable, folds: list[Fold], c: float) -> PatchScores:
    y = table.labels
    v = [table.matrix(PATCH_SPEC, 0), table.matrix(PATCH_SPEC, 1)]
    tokens = table.tokens.astype(np.float32)
    oof = np.full((len(y), 2), np.nan)
    cells = np.full(tokens.shape[:2], np.nan)

    def fit_on(mask: np.ndarray) -> heads.Head:
        w = group_weights(table.samples, mask)
        return fit_head(
            np.concatenate([v[0][mask], v[1][mask]]),
            np.tile(y[mask], 2),
            np.tile(w[mask], 2),
            c,
        )

    def score(head: heads.Head, rows: np.ndarray) -> None:
        for j in range(2):
            oof[rows, j] = head.decision(v[j][rows])
        flat = tokens[rows].reshape(-1, tokens.shape[-1])
        cells[rows] = head.decision(flat).reshape(-1, tokens.shape[1])

    for fold in folds:
        score(fit_on(fold.train), fold.test)
    trainable = np.array([s.role == "train" for s in table.samples])
    final = fit_on(trainable)
    score(final, ~trainable)
    return PatchScores(oof, cells, final)
