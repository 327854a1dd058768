"""Fit the linear heads of the audio members on cached window features.

A head reads one feature per window (e.g. ``file_whisper``: Whisper-base encoder mean/std
of a 4 s window). Every window of a training recording is a row, weighted so that each
recording counts once and each family / real source counts equally within its class
(:func:`lofo.family_weights`). A recording's raw score is the mean of its windows' logits.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..head import LinearHead
from ..tracing import TracingHead
from ..voice_members import REAL_CLASS, FamilyHead
from .lofo import Item, family_weights

DEFAULT_C = 0.05


def rows(items: Sequence[Item], feature: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X, y, sample weight) over every window of ``items`` that has ``feature``."""
    weights = family_weights(items)
    xs, ys, ws = [], [], []
    for it, w in zip(items, weights, strict=True):
        x = np.atleast_2d(it.feats[feature])
        if len(x) == 0:
            continue
        xs.append(x)
        ys.append(np.full(len(x), it.label))
        ws.append(np.full(len(x), w / len(x)))
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ws)


def fit_head(items: Sequence[Item], feature: str, c: float = DEFAULT_C) -> LinearHead:
    from sklearn.linear_model import LogisticRegression

    x, y, w = rows(items, feature)
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    model = LogisticRegression(C=c, max_iter=3000)
    model.fit((x - mean) / scale, y, sample_weight=w * len(w) / w.sum())
    return LinearHead(
        feature=feature,
        mean=mean,
        scale=scale,
        coef=model.coef_[0].astype(np.float64),
        intercept=float(model.intercept_[0]),
    )


def fit_family_head(items: Sequence[Item], feature: str, c: float = DEFAULT_C) -> FamilyHead:
    """Multinomial head over real speech and every training family; its score is the
    log-odds of "not real". Learning each family as its own class keeps the directions
    that separate one family from real speech apart, where a binary head averages them."""
    from sklearn.linear_model import LogisticRegression

    x = np.stack([np.atleast_2d(it.feats[feature]).mean(0) for it in items])
    labels = np.array([REAL_CLASS if it.label == 0 else it.group for it in items])
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    model = LogisticRegression(C=c, max_iter=2000, class_weight="balanced")
    model.fit((x - mean) / scale, labels)
    tracing = TracingHead(
        families=[str(k) for k in model.classes_],
        mean=mean,
        scale=scale,
        coef=model.coef_.astype(np.float64),
        intercept=model.intercept_.astype(np.float64),
        temperature=1.0,
    )
    return FamilyHead(tracing, feature)


def file_scores(head: LinearHead | FamilyHead, items: Sequence[Item], feature: str) -> np.ndarray:
    """Mean window logit per recording (0 for a recording without windows)."""
    out = np.zeros(len(items))
    for i, it in enumerate(items):
        x = np.atleast_2d(it.feats[feature])
        if len(x):
            out[i] = float(np.mean(head.logit(x)))
    return out


def window_scores(
    head: LinearHead | FamilyHead, items: Sequence[Item], feature: str
) -> list[np.ndarray]:
    return [
        head.logit(np.atleast_2d(it.feats[feature])) if len(it.feats[feature]) else np.zeros(0)
        for it in items
    ]
