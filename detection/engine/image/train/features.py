"""Features of the labelled images, computed once and cached under ``weights.cache_dir()``.

Every image is opened exactly as the detectors open uploads (:func:`validate.open_image`),
then seen two ways:

- ``canon_*``: through the canonical pipeline (resize + JPEG re-encode, many crops), what
  the shipped heads are trained on and what they see at inference;
- ``raw_*``: the file's own pixels, centre crop only; used only to measure how much the
  format and size shortcuts inflate a head that skips the re-encoding.

The cache key includes the pipeline id and the encoder's sha256, so a change to either
recomputes instead of mixing features from two pipelines.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from PIL import Image

from ...weights import cache_dir
from .. import canonical
from ..clip_encoder import ClipEncoder
from ..validate import open_image
from .dataset import Sample

log = logging.getLogger(__name__)

FEATURE_VERSION = "v2"  # v2: one forward pass per crop (see ClipEncoder.encode)


def features_dir(encoder_sha: str, variant: str = "colour") -> Path:
    suffix = "" if variant == "colour" else f"-{variant}"
    path = (
        cache_dir()
        / "image_features"
        / f"{canonical.PIPELINE_ID}-{encoder_sha[:12]}-{FEATURE_VERSION}{suffix}"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


SMALL_SIDE = 128
SMALL_QUALITY = 75


def degrade(img: Image.Image) -> Image.Image:
    scale = SMALL_SIDE / min(img.size)
    if scale < 1.0:
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        img = img.resize(size, Image.Resampling.BICUBIC)
    buffer = io.BytesIO()
    img.save(buffer, format="JPEG", quality=SMALL_QUALITY)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


def image_features(
    encoder: ClipEncoder, path: Path, variant: str = "colour"
) -> dict[str, np.ndarray]:
    opened = open_image(path)
    if variant == "augmented":
        # Half the images (by content hash, so the choice is stable) get each augmentation:
        # computing both for every image would double the slowest step of training.
        variant = "grey" if hashlib.sha256(path.read_bytes()).digest()[0] % 2 else "small"
    if variant == "grey":
        # Augmentation: the same picture without colour, so that greyscale (rare in the
        # real photos here) stops being evidence of anything.
        opened.image = opened.image.convert("L").convert("RGB")
    elif variant == "small":
        # Augmentation: a low-resolution, strongly compressed copy (like a video frame or a
        # re-shared thumbnail), so that blur from up-scaling stops pointing at either class.
        opened.image = degrade(opened.image)
    canon = canonical.canonicalise(opened.image)
    boxes = canonical.crop_boxes(canon.width, canon.height)
    parts = [canonical.to_clip_tensor(canon, boxes)]
    if variant == "colour":
        parts.append(canonical.raw_centre_tensor(opened.image))
    enc = encoder.encode(np.concatenate(parts))
    n = len(boxes)
    feats = {
        "canon_embeds": enc.embeds[:n],  # (n_crops, 512), centre crop first
        "canon_tokens": enc.tokens[:n].mean(axis=1),  # (n_crops, 768) mean patch token
        "size": np.array([opened.width, opened.height]),
    }
    if variant == "colour":
        feats["raw_embed"] = enc.embeds[n]
        feats["raw_tokens"] = enc.tokens[n].mean(axis=0)
    return feats


def load_features(
    samples: Sequence[Sample],
    encoder: ClipEncoder,
    progress: Callable[[int, int], None] | None = None,
    variant: str = "colour",
) -> list[dict[str, np.ndarray] | None]:
    """Features of every sample, from the cache when present; None for unreadable files."""
    folder = features_dir(encoder.sha256, variant)
    out: list[dict[str, np.ndarray] | None] = []
    for i, sample in enumerate(samples):
        cached = folder / f"{sample.sha256}.npz"
        if cached.is_file():
            with np.load(cached) as data:
                out.append({k: data[k] for k in data.files})
        else:
            try:
                feats = image_features(encoder, sample.path, variant)
            except Exception as exc:  # a broken data file is reported and skipped
                log.warning("skipping %s: %s", sample.path, exc)
                out.append(None)
            else:
                tmp = cached.with_suffix(".tmp.npz")
                np.savez(tmp, **feats)  # type: ignore[arg-type]
                tmp.replace(cached)
                out.append(feats)
        if progress is not None:
            progress(i + 1, len(samples))
    return out
