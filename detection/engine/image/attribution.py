"""Which known generator family an image most resembles (evidence, never the verdict).

``attribution.json`` is written by ``manage.py train_image_head``
(:mod:`.train.attribution_train`): a multinomial logistic model over the AI families with
enough training images, temperature-scaled so its confidence is calibrated on held-out
images of those families. It can only name families it knows: for an unseen generator
the honest answer is a low confidence, and the evidence says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import heads

TOP = 3


@dataclass
class AttributionModel:
    classes: list[str]
    layers: list[int]
    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: np.ndarray
    temperature: float
    figures: dict[str, Any]

    @classmethod
    def load(cls, path: Path, encoder_sha256: str | None = None) -> AttributionModel:
        data = heads.read_checked(path, encoder_sha256)
        model = data["model"]
        return cls(
            classes=list(model["classes"]),
            layers=list(data["spec"]["layers"]),
            mean=np.asarray(model["mean"], dtype=np.float64),
            scale=np.asarray(model["scale"], dtype=np.float64),
            weights=np.asarray(model["weights"], dtype=np.float64),
            bias=np.asarray(model["bias"], dtype=np.float64),
            temperature=float(model["temperature"]),
            figures=data.get("figures", {}),
        )

    def explain(self, layers: np.ndarray) -> dict[str, Any]:
        """(n_crops, 12, 2, 768) canonical-view layers -> the attribution evidence."""
        x = layers[:, self.layers, 0].reshape(layers.shape[0], -1).mean(axis=0)
        z = ((x - self.mean) / self.scale) @ self.weights.T + self.bias
        z = z / self.temperature
        p = np.exp(z - z.max())
        p /= p.sum()
        order = np.argsort(-p)[:TOP]
        return {
            "most_similar_family": self.classes[int(order[0])],
            "confidence": round(float(p[order[0]]), 4),
            "top": [
                {"family": self.classes[int(i)], "probability": round(float(p[i]), 4)}
                for i in order
            ],
            "known_families": self.classes,
            "held_out_top1_accuracy": self.figures.get("top1_accuracy"),
            "note": "the known generator family these features most resemble, if the image "
            "is AI-made; it cannot name generators outside the list, and says nothing about "
            "whether the image is AI-made",
        }
