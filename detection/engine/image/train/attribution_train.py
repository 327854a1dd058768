"""Which known generator family an image most resembles, with a calibrated confidence.

A multinomial logistic model over the AI families that have enough images, on a compact
multi-layer feature. It can only name families it was trained on, so its answer is
evidence ("most similar to"), never the verdict; for an image of an unseen generator a
low confidence is the honest answer. Confidence is temperature-scaled on 5-fold
cross-validated logits (stratified within families), and the file records top-1 accuracy
and the reliability of that confidence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .holdout import reliability
from .layer_features import FeatureSpec, FeatureTable

ATTRIBUTION_SPEC = FeatureSpec((5, 8, 11), ("cls",))
MIN_FAMILY = 15


@dataclass
class Attribution:
    classes: list[str]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray  # (C, D)
    bias: np.ndarray  # (C,)
    temperature: float
    figures: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        return {
            "classes": self.classes,
            "mean": np.round(self.mean, 6).tolist(),
            "scale": np.round(self.scale, 6).tolist(),
            "weights": np.round(self.weights, 6).tolist(),
            "bias": np.round(self.bias, 6).tolist(),
            "temperature": round(self.temperature, 4),
        }


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _fit(x: np.ndarray, y: np.ndarray, c: float) -> tuple[Any, np.ndarray, np.ndarray]:
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-6
    model = LogisticRegression(C=c, max_iter=500, class_weight="balanced")
    model.fit((x - mean) / scale, y)
    return model, mean, scale


def train_attribution(
    table: FeatureTable, c: float = 0.05, folds: int = 5, min_family: int = MIN_FAMILY
) -> Attribution:
    y = table.labels
    groups = np.array(table.groups)
    trainable = np.array([s.role == "train" for s in table.samples])
    counts = {g: int(((groups == g) & (y == 1) & trainable).sum()) for g in set(groups[y == 1])}
    classes = sorted(g for g, n in counts.items() if n >= min_family)
    if len(classes) < 2:
        raise ValueError(f"attribution needs two AI families of {min_family}+ images")
    rows = np.where(trainable & (y == 1) & np.isin(groups, classes))[0]
    x = table.matrix(ATTRIBUTION_SPEC, 0)[rows]
    label = np.array([classes.index(g) for g in groups[rows]])
    fold_of = np.zeros(len(rows), dtype=int)
    for k in range(len(classes)):  # stratified: each family spread over the folds
        idx = np.where(label == k)[0]
        fold_of[idx] = np.arange(len(idx)) % folds
    logits = np.zeros((len(rows), len(classes)))
    for f in range(folds):
        model, mean, scale = _fit(x[fold_of != f], label[fold_of != f], c)
        logits[fold_of == f] = model.decision_function((x[fold_of == f] - mean) / scale)
    temps = np.linspace(0.5, 5.0, 46)
    nll = [
        -np.log(_softmax(logits / t)[np.arange(len(label)), label] + 1e-12).mean() for t in temps
    ]
    temperature = float(temps[int(np.argmin(nll))])
    prob = _softmax(logits / temperature)
    top = prob.argmax(axis=1)
    confidence = prob.max(axis=1)
    model, mean, scale = _fit(x, label, c)
    figures = {
        "protocol": f"{folds}-fold cross-validation stratified within families (families "
        f"with at least {min_family} images); temperature fitted on the held-out logits",
        "top1_accuracy": round(float((top == label).mean()), 4),
        "per_family_top1": {
            cls: round(float((top[label == k] == k).mean()), 4) for k, cls in enumerate(classes)
        },
        "confidence_reliability": reliability((top == label).astype(int), confidence),
        "features": ATTRIBUTION_SPEC.describe(),
    }
    return Attribution(
        classes,
        mean,
        scale,
        np.asarray(model.coef_, dtype=np.float64),
        np.asarray(model.intercept_, dtype=np.float64),
        temperature,
        figures,
    )
