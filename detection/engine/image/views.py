"""The second, degraded view of an image, scored beside the canonical one.

A social-media copy or a thumbnail: the decoded image shrunk to a short side of
``DEGRADED_SHORT_SIDE`` and saved as JPEG at ``DEGRADED_QUALITY``, then put through the same
canonical pipeline as every other view. The heads are trained on both views of every
image (both classes alike, so neither compression nor blur is evidence of anything), and
at inference a verdict needs both views to agree: an image whose canonical view says
``ai`` and whose degraded view says ``human`` (or the reverse) is ``uncertain``.
"""

from __future__ import annotations

import io

from PIL import Image

from . import canonical

DEGRADED_SHORT_SIDE = 160
DEGRADED_QUALITY = 60
VIEW_ID = f"degraded-short{DEGRADED_SHORT_SIDE}-jpeg{DEGRADED_QUALITY}"


def degraded(img: Image.Image) -> Image.Image:
    """The thumbnail-like copy, already canonicalised."""
    rgb = img if img.mode == "RGB" else img.convert("RGB")
    scale = DEGRADED_SHORT_SIDE / min(rgb.size)
    if scale < 1.0:
        size = (max(1, round(rgb.width * scale)), max(1, round(rgb.height * scale)))
        rgb = rgb.resize(size, Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    rgb.save(buffer, format="JPEG", quality=DEGRADED_QUALITY)
    buffer.seek(0)
    with Image.open(buffer) as small:
        return canonical.canonicalise(small.convert("RGB"))


def centre_box(img: Image.Image) -> canonical.Crop:
    return canonical.crop_boxes(img.width, img.height)[0]
