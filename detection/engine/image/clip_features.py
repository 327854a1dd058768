"""CLIP features of decoded images at inference: canonicalise, crop, encode in bounded batches.

Every learned image member reads the same forward passes, so the ensemble encodes each image
once: up to ``DETECTION_IMAGE_MAX_CROPS`` (default 5) crops of the canonical view — the
centre crop and crops spread over the rest — plus the degraded view's centre crop
(:mod:`.views`). ``DETECTION_IMAGE_MAX_BATCH`` (default 16) bounds how many images go
through one batch of passes.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .. import settings
from . import canonical, views
from .clip_layers import LayeredClipEncoder


def max_batch() -> int:
    return settings.current().image.max_batch


def max_crops() -> int:
    return settings.current().image.max_crops


@dataclass
class ClipFeatures:
    embeds: np.ndarray  # (n_crops, 512) canonical crops
    tokens: np.ndarray  # (n_crops, 196, 768) last-layer patch tokens of the canonical crops
    layers: np.ndarray  # (n_crops, 12, 2, 768) class / mean patch token per layer
    degraded_layers: np.ndarray  # (1, 12, 2, 768) the degraded view's centre crop
    boxes: list[canonical.Crop]
    canonical_size: tuple[int, int]  # (width, height) of the canonical image
    original_size: tuple[int, int]  # the upload's own size (boxes are mapped onto it)
    timings_ms: dict[str, float] = field(default_factory=dict)


def inference_boxes(width: int, height: int) -> list[canonical.Crop]:
    """The centre crop, then at most ``max_crops() - 1`` of the covering grid, spread out."""
    boxes = canonical.crop_boxes(width, height)
    centre, grid = boxes[0], boxes[1:]
    keep = max_crops() - 1
    if len(grid) > keep:
        picks: list[int] = np.linspace(0, len(grid) - 1, keep).round().astype(int).tolist()
        grid = [grid[i] for i in sorted(set(picks[:keep]))]
    return [centre, *grid]


def extract(
    encoder: LayeredClipEncoder,
    images: Sequence[Image.Image],
    batch_images: int | None = None,
    original_sizes: Sequence[tuple[int, int]] | None = None,
) -> list[ClipFeatures]:
    """Features of each image; images are encoded ``batch_images`` at a time."""
    batch_images = batch_images or max_batch()
    sizes = list(original_sizes) if original_sizes else [(i.width, i.height) for i in images]
    out: list[ClipFeatures] = []
    for start in range(0, len(images), batch_images):
        chunk = images[start : start + batch_images]
        t0 = time.perf_counter()
        canons = [canonical.canonicalise(img) for img in chunk]
        smalls = [views.degraded(img) for img in chunk]
        boxes = [inference_boxes(c.width, c.height) for c in canons]
        parts = []
        for canon, small, crop_boxes in zip(canons, smalls, boxes, strict=True):
            parts.append(canonical.to_clip_tensor(canon, crop_boxes))
            parts.append(canonical.to_clip_tensor(small, [views.centre_box(small)]))
        tensor = np.concatenate(parts)
        t1 = time.perf_counter()
        encoded = encoder.encode(tensor)
        t2 = time.perf_counter()
        per_image = {
            "canonicalise": (t1 - t0) * 1000.0 / len(chunk),
            "encode": (t2 - t1) * 1000.0 / len(chunk),
        }
        offset = 0
        for i, (canon, crop_boxes) in enumerate(zip(canons, boxes, strict=True)):
            n = len(crop_boxes)
            out.append(
                ClipFeatures(
                    embeds=encoded.embeds[offset : offset + n],
                    tokens=encoded.tokens[offset : offset + n],
                    layers=encoded.layers[offset : offset + n],
                    degraded_layers=encoded.layers[offset + n : offset + n + 1],
                    boxes=crop_boxes,
                    canonical_size=(canon.width, canon.height),
                    original_size=sizes[start + i],
                    timings_ms=dict(per_image),
                )
            )
            offset += n + 1
    return out
