"""Score frames and face crops with the image heads, and make thumbnails of the worst frames."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from ..image.clip_features import extract, max_batch
from ..image.clip_layers import shared_encoder
from ..image.learned import ClipHeadDetector
from ..image.patches import PatchTokenDetector, token_grid

THUMB_SIDE = 160
THUMB_QUALITY = 70


@dataclass
class Scores:
    clip: float
    patch: float
    combined: float  # the image ensemble's weighted vote of the two heads


class FrameScorer:
    """The image ensemble's two learned heads, applied to in-memory pictures in batches."""

    def __init__(self, weights: dict[str, float]) -> None:
        self.clip = ClipHeadDetector()
        self.patch = PatchTokenDetector()
        self.weights = weights

    def load(self) -> None:
        self.clip.load()
        self.patch.load()

    def score(
        self,
        images: Sequence[Image.Image],
        progress: Callable[[int, int], None] | None = None,
    ) -> list[Scores]:
        assert self.clip.head and self.clip.calibration and self.patch.head
        assert self.patch.calibration
        out: list[Scores] = []
        encoder = shared_encoder()
        step = max_batch()
        w_clip = self.weights.get(self.clip.name, 1.0)
        w_patch = self.weights.get(self.patch.name, 1.0)
        for start in range(0, len(images), step):
            # Features are dropped after each chunk: the patch tokens are large.
            for f in extract(encoder, images[start : start + step], step):
                _, canonical_raw, degraded_raw = self.clip.view_scores(f)
                p_clip = self.clip.calibration.probability(
                    self.clip.raw_score(canonical_raw, degraded_raw)
                )
                scores = token_grid(self.patch.head, f.tokens)
                p_patch = self.patch.calibration.probability(self.patch.image_raw(f, scores))
                combined = (w_clip * p_clip + w_patch * p_patch) / (w_clip + w_patch)
                out.append(Scores(p_clip, p_patch, combined))
            if progress is not None:
                progress(len(out), len(images))
        return out


def thumbnail_jpeg(rgb: np.ndarray) -> bytes:
    img = Image.fromarray(rgb)
    img.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=THUMB_QUALITY)
    return buffer.getvalue()


def thumbnails(
    frames: Sequence[tuple[float, int, np.ndarray, float]],
    artifacts_dir: Path | None,
) -> list[dict[str, Any]]:
    """(timestamp, index, rgb, probability) of the chosen frames -> evidence entries.

    With ``artifacts_dir`` the JPEGs are written there and named relative to it; without
    it they travel inline as base64 (each is a few kB).
    """
    entries = []
    for timestamp, index, rgb, probability in frames:
        data = thumbnail_jpeg(rgb)
        entry: dict[str, Any] = {
            "timestamp": round(timestamp, 3),
            "frame": index,
            "probability_ai": round(probability, 4),
            "content_type": "image/jpeg",
        }
        if artifacts_dir is not None:
            artifacts_dir.mkdir(parents=True, exist_ok=True)
            name = f"frame_{index:06d}.jpg"
            (artifacts_dir / name).write_bytes(data)
            entry["file"] = name
        else:
            entry["base64"] = base64.b64encode(data).decode("ascii")
        entries.append(entry)
    return entries
