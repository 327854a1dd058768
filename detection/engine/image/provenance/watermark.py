"""The invisible DWT-DCT watermark that Stable Diffusion's reference code embeds.

Two messages are in use, both with ``invisible-watermark``'s ``dwtDct`` method:

- the original Stable Diffusion v1/v2 scripts embed the bytes ``b"StableDiffusionV1"``
  (136 bits);
- SDXL (Stability's ``sgm`` code and diffusers) embeds a fixed 48-bit message.

A clean image decodes to roughly half the bits right by chance; the match thresholds below
make a chance match astronomically unlikely (binomial tail < 1e-9), so a decoded mark is
conclusive. The mark does not survive resizing or JPEG compression (quality 90 destroys
it), so its absence means nothing.
"""

from __future__ import annotations

import logging
import math

import numpy as np

from .findings import Finding

log = logging.getLogger(__name__)

SD_V1_BYTES = b"StableDiffusionV1"
SDXL_BITS = [int(b) for b in f"{0b101100111110110010010000011110111011000110011110:048b}"]
MIN_MATCH = 0.9  # fraction of bits that must agree
# Stable Diffusion emits at most ~2 MP (SDXL 1536 x 1536 is 2.4 MP) and the mark does not
# survive up-scaling, so larger images are not decoded (decoding costs ~1 s per MP here).
MAX_PIXELS = 2_400_000
MIN_SIDE = 256  # the dwtDct decoder needs at least 256 x 256 pixels


def _bits(data: bytes) -> list[int]:
    return [(byte >> (7 - i)) & 1 for byte in data for i in range(8)]


MESSAGES = {
    "StableDiffusionV1": _bits(SD_V1_BYTES),
    "SDXL": SDXL_BITS,
}


def chance_probability(n_bits: int, matched: int) -> float:
    """P(at least ``matched`` of ``n_bits`` fair coin flips agree) - how likely by accident."""
    return sum(math.comb(n_bits, k) for k in range(matched, n_bits + 1)) / 2**n_bits


def decode(bgr: np.ndarray) -> dict[str, dict[str, float | int]]:
    """Bits matched for each known message (BGR uint8 array, as OpenCV holds images)."""
    from imwatermark import WatermarkDecoder

    scores: dict[str, dict[str, float | int]] = {}
    for name, expected in MESSAGES.items():
        decoder = WatermarkDecoder("bits", len(expected))
        got = decoder.decode(bgr, "dwtDct")
        matched = int(sum(int(a) == b for a, b in zip(got, expected, strict=False)))
        scores[name] = {
            "bits": len(expected),
            "matched": matched,
            "chance_probability": chance_probability(len(expected), matched),
        }
    return scores


def check(rgb: np.ndarray) -> tuple[list[Finding], dict[str, object]]:
    """Findings from the pixels (RGB uint8, the file's own resolution), and what was done."""
    h, w = rgb.shape[:2]
    if h * w > MAX_PIXELS or min(h, w) < MIN_SIDE:
        return [], {
            "checked": False,
            "reason": f"{w}x{h} is outside the sizes Stable Diffusion writes its mark at",
        }
    try:
        scores = decode(np.ascontiguousarray(rgb[:, :, ::-1]))
    except Exception as exc:  # the decoder fails on some odd shapes; nothing to report then
        log.info("watermark decode failed: %s", exc)
        return [], {"checked": False, "reason": "decoder failed"}
    findings = []
    for name, score in scores.items():
        if score["matched"] >= MIN_MATCH * score["bits"]:
            findings.append(
                Finding(
                    "watermark",
                    "conclusive",
                    "ai",
                    f"the {name} invisible watermark (dwtDct) decodes: {score['matched']} of "
                    f"{score['bits']} bits match (chance {score['chance_probability']:.1e})",
                    {"message": name, **score},
                )
            )
    return findings, {"checked": True, "messages": scores}
