"""CLIP features of decoded images at inference: canonicalise, crop, encode in bounded batches.

Both learned image detectors read the same forward pass, so the ensemble encodes each
image once. ``DETECTION_IMAGE_MAX_BATCH`` (default 16) bounds how many images go through
one forward pass (their crops are stacked, at most ``MAX_CROPS`` per image).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from .. import settings
from . import canonical
from .clip_encoder import ClipEncoder


def max_batch() -> int:
    return settings.current().image.max_batch


@dataclass
class ClipFeatures:
    embeds: np.ndarray  # (n_crops, 512)
    tokens: np.ndarray  # (n_crops, 196, 768)
    boxes: list[canonical.Crop]
    canonical_size: tuple[int, int]  # (width, height) of the canonical image
    original_size: tuple[int, int]
    timings_ms: dict[str, float] = field(default_factory=dict)


def extract(
    encoder: ClipEncoder, images: Sequence[Image.Image], batch_images: int | None = None
) -> list[ClipFeatures]:
    """Features of each image; images are encoded ``batch_images`` at a time."""
    batch_images = batch_images or max_batch()
    out: list[ClipFeatures] = []
    for start in range(0, len(images), batch_images):
        chunk = images[start : start + batch_images]
        t0 = time.perf_counter()
        canons = [canonical.canonicalise(img) for img in chunk]
        boxes = [canonical.crop_boxes(c.width, c.height) for c in canons]
        tensor = np.concatenate(
            [canonical.to_clip_tensor(c, b) for c, b in zip(canons, boxes, strict=True)]
        )
        t1 = time.perf_counter()
        encoded = encoder.encode(tensor)
        t2 = time.perf_counter()
        # Stage times are per image: the batch's cost shared evenly.
        per_image = {
            "canonicalise": (t1 - t0) * 1000.0 / len(chunk),
            "encode": (t2 - t1) * 1000.0 / len(chunk),
        }
        offset = 0
        for img, canon, crop_boxes in zip(chunk, canons, boxes, strict=True):
            n = len(crop_boxes)
            out.append(
                ClipFeatures(
                    embeds=encoded.embeds[offset : offset + n],
                    tokens=encoded.tokens[offset : offset + n],
                    boxes=crop_boxes,
                    canonical_size=(canon.width, canon.height),
                    original_size=(img.width, img.height),
                    timings_ms=dict(per_image),
                )
            )
            offset += n
    return out
