"""A small linear head stored as JSON: standardise, then a logistic-regression logit.

Written by ``manage.py train_audio_head``; applied with numpy only. The file records the
feature it expects (``feature``), so a head trained on one feature cannot be applied to
another, and its provenance (data, split, command, date, held-out figures).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelUnavailable


@dataclass(frozen=True)
class LinearHead:
    feature: str
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    provenance: dict[str, Any] = field(default_factory=dict)

    def logit(self, features: np.ndarray) -> np.ndarray:
        """Raw score per row (higher = more AI-like)."""
        x = (np.atleast_2d(features) - self.mean) / self.scale
        return x @ self.coef + self.intercept

    def to_dict(self) -> dict[str, Any]:
        return {
            "feature": self.feature,
            "dim": len(self.coef),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": float(self.intercept),
            "provenance": self.provenance,
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: Path, feature: str | None = None) -> LinearHead:
        if not path.is_file():
            raise ModelUnavailable(
                f"audio head missing: expected {path}; train it with `manage.py train_audio_head`"
            )
        data = json.loads(path.read_text())
        if feature is not None and data.get("feature") != feature:
            raise ModelUnavailable(
                f"{path} was trained on feature {data.get('feature')!r}, expected {feature!r}"
            )
        head = cls(
            feature=data["feature"],
            mean=np.asarray(data["mean"], dtype=np.float64),
            scale=np.asarray(data["scale"], dtype=np.float64),
            coef=np.asarray(data["coef"], dtype=np.float64),
            intercept=float(data["intercept"]),
            provenance=data.get("provenance", {}),
        )
        if not len(head.mean) == len(head.scale) == len(head.coef) == int(data["dim"]):
            raise ModelUnavailable(f"{path} is inconsistent: vector lengths differ")
        return head
