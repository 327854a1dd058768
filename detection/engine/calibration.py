"""Calibrated probabilities and three-way verdicts from a per-detector calibration file.

Thresholds are data: each detector ships a JSON file written by a ``calibrate``
management command from labelled data, recording the data set, the date and the
hold-out figures. The file maps a detector's raw score to a probability that the
content is AI-made (Platt scaling or isotonic regression) and states the two
probability cuts of the verdict: at or above ``ai_at`` is ``ai``, below ``human_below``
is ``human``, anything between is ``uncertain``.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .result import Verdict


@dataclass(frozen=True)
class Calibration:
    method: str  # "platt" or "isotonic"
    params: dict[str, Any]
    ai_at: float
    human_below: float
    raw_threshold: float | None = None
    provenance: dict[str, Any] = field(default_factory=dict)
    holdout: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not 0.0 <= self.human_below <= self.ai_at <= 1.0:
            raise ValueError("calibration cuts must satisfy 0 <= human_below <= ai_at <= 1")
        if self.method not in ("platt", "isotonic"):
            raise ValueError(f"unknown calibration method {self.method!r}")

    @classmethod
    def load(cls, path: str | Path) -> Calibration:
        data = json.loads(Path(path).read_text())
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Calibration:
        return cls(
            method=data["method"],
            params=data["params"],
            ai_at=float(data["verdict"]["ai_at"]),
            human_below=float(data["verdict"]["human_below"]),
            raw_threshold=data.get("raw_threshold"),
            provenance=data.get("provenance", {}),
            holdout=data.get("holdout", {}),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "params": self.params,
            "verdict": {"ai_at": self.ai_at, "human_below": self.human_below},
            "raw_threshold": self.raw_threshold,
            "provenance": self.provenance,
            "holdout": self.holdout,
        }

    def save(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_dict(), indent=2, sort_keys=True) + "\n")

    def probability(self, raw: float) -> float:
        """Map a raw score (higher = more AI-like, by convention) to P(AI)."""
        if not math.isfinite(raw):
            raise ValueError(f"raw score {raw} is not finite")
        if self.method == "platt":
            z = self.params["a"] * raw + self.params["b"]
            return _sigmoid(z)
        xs: list[float] = self.params["x"]
        ys: list[float] = self.params["y"]
        return _interpolate(xs, ys, raw)

    def verdict(self, probability_ai: float) -> Verdict:
        if probability_ai >= self.ai_at:
            return "ai"
        if probability_ai < self.human_below:
            return "human"
        return "uncertain"


def _sigmoid(z: float) -> float:
    # Split by sign so exp() never overflows for large |z|.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _interpolate(xs: list[float], ys: list[float], x: float) -> float:
    if x <= xs[0]:
        return float(ys[0])
    if x >= xs[-1]:
        return float(ys[-1])
    i = bisect_right(xs, x)
    x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
    return float(y0 + (y1 - y0) * (x - x0) / (x1 - x0)) if x1 > x0 else float(y1)
