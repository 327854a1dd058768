"""Frames between RGB arrays and JPEG bytes (the fallback socket's and the workers' format),
and the JSON-safe form of frames and voice windows sent to the workers."""

from __future__ import annotations

import base64
import io

import numpy as np

JPEG_QUALITY = 90  # what a browser's canvas.toBlob sends by default is close to this


def decode_jpeg(data: bytes) -> np.ndarray:
    """JPEG bytes -> RGB array (runs on an analysis thread or a worker)."""
    from PIL import Image, UnidentifiedImageError

    from detection.engine.errors import InputRejected

    try:
        with Image.open(io.BytesIO(data)) as image:
            return np.asarray(image.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise InputRejected(f"the frame is not a readable JPEG image ({exc})") from exc


def encode_jpeg(rgb: np.ndarray) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb, dtype=np.uint8)).save(
        out, format="JPEG", quality=JPEG_QUALITY
    )
    return out.getvalue()


def encode_bytes(data: bytes) -> str:
    return base64.b64encode(data).decode()


def encode_audio(samples: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(samples, dtype="<f4").tobytes()).decode()


def decode_audio(payload: str) -> np.ndarray:
    return np.frombuffer(base64.b64decode(payload), dtype="<f4").astype(np.float32)
