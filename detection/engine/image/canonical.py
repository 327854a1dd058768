"""One canonical re-encoding for every image the learned detectors see.

The labelled data has strong shortcuts: most AI files are PNG squares of 256 or 512 px,
most real photos are larger JPEGs. A head trained on the files as they are learns
"PNG = AI". Training, calibration and inference therefore all pass every image through
the same pipeline: resize so the short side is ``SHORT_SIDE`` (bicubic, antialiased),
then encode and decode as JPEG at ``JPEG_QUALITY``. After this, file format and size no
longer tell the classes apart, and the head has to use what is in the picture.

The CLIP views are 224 px crops of the canonical image that together cover all of it
(a centre crop plus a grid), so nothing outside a single centre crop is ignored.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
from PIL import Image

SHORT_SIDE = 256
JPEG_QUALITY = 90
CROP = 224
MAX_CROPS = 9  # bounds the cost of very elongated images
TOKEN_GRID = 14  # ViT-B/16 on 224 px: 14 x 14 patch tokens of 16 px

CLIP_MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32).reshape(3, 1, 1)
CLIP_STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32).reshape(3, 1, 1)

# Written into every head and calibration file: a head is only valid for this pipeline.
PIPELINE_ID = f"short{SHORT_SIDE}-jpeg{JPEG_QUALITY}-crops{CROP}x{MAX_CROPS}"


def canonicalise(img: Image.Image) -> Image.Image:
    """Resize to the canonical short side and re-encode as JPEG (the same for both classes)."""
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    w, h = rgb.size
    scale = SHORT_SIDE / min(w, h)
    size = (max(SHORT_SIDE, round(w * scale)), max(SHORT_SIDE, round(h * scale)))
    resized = rgb.resize(size, Image.Resampling.BICUBIC) if size != (w, h) else rgb
    buffer = io.BytesIO()
    resized.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    buffer.seek(0)
    out = Image.open(buffer)
    out.load()
    return out.convert("RGB")


@dataclass(frozen=True)
class Crop:
    left: int
    top: int
    size: int = CROP


def _positions(length: int) -> list[int]:
    if length <= CROP:
        return [0]
    n = max(2, math.ceil(length / CROP))
    return sorted({round(i * (length - CROP) / (n - 1)) for i in range(n)})


def crop_boxes(width: int, height: int) -> list[Crop]:
    """A centre crop first, then a grid of crops covering the whole canonical image."""
    centre = Crop((width - CROP) // 2, (height - CROP) // 2)
    grid = [Crop(x, y) for y in _positions(height) for x in _positions(width)]
    if len(grid) > MAX_CROPS - 1:
        keep = np.linspace(0, len(grid) - 1, MAX_CROPS - 1).round().astype(int)
        grid = [grid[i] for i in sorted(set(keep.tolist()))]
    return [centre, *[c for c in grid if c != centre]]


def to_clip_tensor(img: Image.Image, boxes: list[Crop]) -> np.ndarray:
    """Stack the crops as a normalised float32 (N, 3, 224, 224) array for the CLIP encoder."""
    arr = np.asarray(img, dtype=np.float32) / 255.0
    out = np.empty((len(boxes), 3, CROP, CROP), dtype=np.float32)
    for i, box in enumerate(boxes):
        patch = arr[box.top : box.top + box.size, box.left : box.left + box.size]
        out[i] = (patch.transpose(2, 0, 1) - CLIP_MEAN) / CLIP_STD
    return out


def raw_centre_tensor(img: Image.Image) -> np.ndarray:
    """The original file's centre crop without re-encoding (for the shortcut comparison)."""
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    w, h = rgb.size
    scale = CROP / min(w, h)
    resized = rgb.resize(
        (max(CROP, round(w * scale)), max(CROP, round(h * scale))), Image.Resampling.BICUBIC
    )
    box = Crop((resized.width - CROP) // 2, (resized.height - CROP) // 2)
    return to_clip_tensor(resized, [box])
