"""Source tracing: which known generator family a voice most resembles (numpy only).

A multinomial logistic head over the recording's mean Whisper-encoder and spectral
features, trained on the synthetic families of the pool, with a temperature fitted on
out-of-fold predictions so that its top probability is a calibrated confidence *among
the known families*. It is evidence, never the verdict: a family outside the pool is
still named as the closest known one, which is why the reported confidence and the
held-out accuracy (in the file's provenance) are shown beside it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import ModelUnavailable


@dataclass(frozen=True)
class TracingHead:
    families: list[str]
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray  # (families, dim)
    intercept: np.ndarray  # (families,)
    temperature: float
    provenance: dict[str, Any] = field(default_factory=dict)

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        x = (np.asarray(features, dtype=np.float64) - self.mean) / self.scale
        z = (x @ self.coef.T + self.intercept) / self.temperature
        z = z - z.max(axis=-1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=-1, keepdims=True)

    def trace(self, features: np.ndarray, top: int = 3) -> dict[str, Any]:
        p = self.probabilities(features)
        order = np.argsort(p)[::-1][:top]
        return {
            "family": self.families[int(order[0])],
            "confidence": round(float(p[order[0]]), 3),
            "alternatives": [
                {"family": self.families[int(i)], "confidence": round(float(p[i]), 3)}
                for i in order[1:]
            ],
            "note": "closest of the known generator families; a new system is still "
            "matched to one of them",
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "families": self.families,
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [[round(float(v), 6) for v in row] for row in self.coef],
            "intercept": [round(float(v), 6) for v in self.intercept],
            "temperature": self.temperature,
            "provenance": self.provenance,
        }

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.to_dict(), indent=1, sort_keys=True) + "\n")

    @classmethod
    def load(cls, path: Path) -> TracingHead:
        if not path.is_file():
            raise ModelUnavailable(
                f"source-tracing head missing: expected {path}; "
                "write it with `manage.py train_audio_pool`"
            )
        data = json.loads(path.read_text())
        return cls(
            families=list(data["families"]),
            mean=np.asarray(data["mean"]),
            scale=np.asarray(data["scale"]),
            coef=np.asarray(data["coef"]),
            intercept=np.asarray(data["intercept"]),
            temperature=float(data["temperature"]),
            provenance=data.get("provenance", {}),
        )
