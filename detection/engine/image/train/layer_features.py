"""The cached multi-layer features as matrices: one row per image and view.

A *feature spec* names what a head reads: which layers, and class token (``cls``),
mean patch token (``patch``) or both. Every row is the concatenation over the chosen layers
of those 768-d vectors, as float32; standardisation happens in the head itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .corpus_dataset import CorpusSample

VIEWS = ("canonical", "degraded")


@dataclass(frozen=True)
class FeatureSpec:
    layers: tuple[int, ...]
    parts: tuple[str, ...]  # subset of ("cls", "patch")

    @property
    def name(self) -> str:
        span = (
            f"L{self.layers[0]}-{self.layers[-1]}" if len(self.layers) > 1 else f"L{self.layers[0]}"
        )
        return f"{span}:{'+'.join(self.parts)}"

    def describe(self) -> str:
        what = " and ".join(
            {"cls": "class token", "patch": "mean patch token"}[p] for p in self.parts
        )
        return f"{what} of CLIP layers {list(self.layers)} (0-based), concatenated"


@dataclass
class FeatureTable:
    samples: list[CorpusSample]
    layers: np.ndarray  # (n, 2 views, 12, 2, 768) float16
    tokens: np.ndarray  # (n, 16, 768) float16: single last-layer patch tokens (canonical)

    @property
    def labels(self) -> np.ndarray:
        return np.array([s.label for s in self.samples])

    @property
    def groups(self) -> list[str]:
        return [s.group for s in self.samples]

    def matrix(self, spec: FeatureSpec, view: int) -> np.ndarray:
        parts = [0 if p == "cls" else 1 for p in spec.parts]
        block = self.layers[:, view][:, list(spec.layers)][:, :, parts]  # (n, L, P, 768)
        return block.reshape(len(self.samples), -1).astype(np.float32)


def build_table(
    samples: Sequence[CorpusSample], feats: Sequence[dict[str, np.ndarray] | None]
) -> FeatureTable:
    keep = [i for i, f in enumerate(feats) if f is not None]
    rows = [feats[i] for i in keep]
    return FeatureTable(
        samples=[samples[i] for i in keep],
        layers=np.stack([r["layers"] for r in rows if r is not None]),
        tokens=np.stack([r["tokens"] for r in rows if r is not None]),
    )
