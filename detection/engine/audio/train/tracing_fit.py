"""Fit the source-tracing head and its temperature; measure it out of fold.

Clips are grouped by clip id (a clip's clean and augmented copies stay together) into
five folds. Out-of-fold probabilities give the top-1 accuracy, the temperature (fitted by
minimising the log loss of the out-of-fold logits) and the calibration of the confidence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

import numpy as np

from ..tracing import TracingHead
from .lofo import Item

FOLDS = 5
C = 0.05


def tracing_rows(items: Sequence[Item]) -> np.ndarray:
    return np.stack(
        [
            np.concatenate([it.feats["file_whisper"].mean(0), it.feats["file_spectral"].mean(0)])
            for it in items
        ]
    )


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(0), x.std(0) + 1e-6
    model = LogisticRegression(C=C, max_iter=3000, class_weight="balanced")
    model.fit((x - mean) / scale, y)
    return mean, scale, model.coef_, model.intercept_


def _logits(params: tuple[np.ndarray, ...], x: np.ndarray) -> np.ndarray:
    mean, scale, coef, intercept = params
    return ((x - mean) / scale) @ coef.T + intercept


def _best_temperature(logits: np.ndarray, y: np.ndarray) -> float:
    best = (np.inf, 1.0)
    for t in np.exp(np.linspace(np.log(0.2), np.log(10.0), 60)):
        z = logits / t
        z = z - z.max(1, keepdims=True)
        nll = -np.mean(z[np.arange(len(y)), y] - np.log(np.exp(z).sum(1)))
        best = min(best, (nll, float(t)))
    return round(best[1], 4)


def fit_tracing(items: Sequence[Item]) -> tuple[TracingHead, dict[str, Any]]:
    synthetic = [it for it in items if it.label == 1]
    families = sorted({it.group for it in synthetic})
    index = {f: i for i, f in enumerate(families)}
    x = tracing_rows(synthetic)
    y = np.array([index[it.group] for it in synthetic])
    fold = np.array(
        [
            int(hashlib.sha256(it.clip.clip_id.encode()).hexdigest()[:8], 16) % FOLDS
            for it in synthetic
        ]
    )
    oof = np.zeros((len(y), len(families)))
    for k in range(FOLDS):
        train, test = fold != k, fold == k
        params = _fit(x[train], y[train])
        # A family absent from a training fold gets no column; fill its logit very low.
        sub = _logits(params, x[test])
        present = np.unique(y[train])
        full = np.full((test.sum(), len(families)), -1e9)
        full[:, present] = sub
        oof[test] = full
    temperature = _best_temperature(oof, y)
    z = oof / temperature
    p = np.exp(z - z.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    top = p.argmax(1)
    conf = p.max(1)
    accuracy = float(np.mean(top == y))
    bins = []
    for lo in np.arange(0, 1, 0.1):
        m = (conf >= lo) & (conf < lo + 0.1 + (1e-9 if lo >= 0.9 else 0))
        if m.any():
            bins.append(
                {
                    "confidence_mean": round(float(conf[m].mean()), 3),
                    "accuracy": round(float(np.mean(top[m] == y[m])), 3),
                    "n": int(m.sum()),
                }
            )
    ece = sum(b["n"] * abs(b["confidence_mean"] - b["accuracy"]) for b in bins) / len(y)
    mean, scale, coef, intercept = _fit(x, y)
    head = TracingHead(families, mean, scale, coef, intercept, temperature)
    report = {
        "families": len(families),
        "clips": len(y),
        "top1_accuracy_out_of_fold": round(accuracy, 4),
        "expected_calibration_error": round(float(ece), 4),
        "reliability": bins,
        "temperature": temperature,
    }
    return head, report
