"""``image.clip``: a head trained on CLIP ViT-B/16 embeddings of canonical crops.

The head (``clip_head.json``) and its calibration (``clip_calibration.json``) are written by
``manage.py train_image_head`` from ``../shared/data/image``; the calibration file records
the data, split, date and the figures on held-out generator families.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..base import DetectorInput, DetectViaBatch
from ..calibration import Calibration
from ..result import DetectionResult, ModelRef
from . import canonical, heads
from .clip_encoder import ClipEncoder, shared_encoder
from .clip_features import ClipFeatures, extract
from .validate import OpenedImage, open_image


def probe() -> None:
    from .clip_encoder import probe as probe_encoder

    probe_encoder()
    heads.probe_files()


def open_all(contents: Sequence[DetectorInput]) -> list[OpenedImage]:
    """Open every image of a batch; a bad one is rejected by name so the caller can drop it."""
    from ..errors import InputRejected

    opened = []
    for content in contents:
        try:
            opened.append(open_image(Path(content)))
        except InputRejected as exc:
            raise InputRejected(f"{Path(content).name}: {exc}") from exc
    return opened


class LearnedImageDetector(DetectViaBatch):
    """Shared plumbing of the two heads that read the CLIP forward pass."""

    name = ""
    modality = "image"
    head_path: Path
    calibration_path: Path

    def __init__(self) -> None:
        self.encoder: ClipEncoder | None = None
        self.head: heads.Head | None = None
        self.calibration: Calibration | None = None

    def load(self) -> None:
        self.encoder = shared_encoder()
        self.head = heads.Head.load(self.head_path, self.encoder.sha256)
        self.calibration = heads.load_calibration(self.calibration_path)

    @property
    def models(self) -> list[ModelRef]:
        assert self.encoder is not None and self.head is not None
        date = self.head.meta.get("provenance", {}).get("date", "")
        return [*self.encoder.model_refs, ModelRef(f"aidetect:{self.head_path.name}", date)]

    def detect_batch(
        self, contents: Sequence[DetectorInput], *, options: Mapping[str, Any] | None = None
    ) -> list[DetectionResult]:
        assert self.encoder is not None
        t0 = time.perf_counter()
        opened = open_all(contents)
        decode_ms = (time.perf_counter() - t0) * 1000.0 / max(1, len(opened))
        feats = extract(self.encoder, [o.image for o in opened])
        results = []
        for o, f in zip(opened, feats, strict=True):
            f.timings_ms["decode"] = decode_ms
            results.append(self.from_features(o, f))
        return results

    def from_features(self, opened: OpenedImage, feats: ClipFeatures) -> DetectionResult:
        raise NotImplementedError

    def _result(self, raw: float, opened: OpenedImage, evidence: dict[str, Any]) -> DetectionResult:
        assert self.calibration is not None
        p = self.calibration.probability(raw)
        return DetectionResult(
            modality="image",
            detector=self.name,
            verdict=self.calibration.verdict(p),
            probability_ai=p,
            raw_score=raw,
            threshold=self.calibration.raw_threshold,
            models=self.models,
            # decode + canonicalise + encode (shared across a batch) + head
            elapsed_ms=float(sum(evidence.get("timings_ms", {}).values())),
            evidence=evidence,
            warnings=list(opened.notes),
        )


def original_box(box: canonical.Crop, feats: ClipFeatures) -> list[int]:
    """A canonical-image box in the uploaded image's pixels: [x, y, width, height]."""
    sx = feats.original_size[0] / feats.canonical_size[0]
    sy = feats.original_size[1] / feats.canonical_size[1]
    return [round(box.left * sx), round(box.top * sy), round(box.size * sx), round(box.size * sy)]


class ClipHeadDetector(LearnedImageDetector):
    name = "image.clip"
    head_path = heads.CLIP_HEAD
    calibration_path = heads.CLIP_CALIBRATION

    def from_features(self, opened: OpenedImage, feats: ClipFeatures) -> DetectionResult:
        assert self.head is not None and self.calibration is not None
        started = time.perf_counter()
        raw = float(self.head.decision(heads.clip_view(feats.embeds)))
        # Each crop scored on its own: not what the verdict uses, but it shows whether
        # one region drives the score.
        unit = feats.embeds / np.linalg.norm(feats.embeds, axis=-1, keepdims=True)
        crop_raw = self.head.decision(unit)
        evidence = {
            "view": "mean CLIP embedding of canonical crops",
            "pipeline": canonical.PIPELINE_ID,
            "crops": [
                {
                    "box": original_box(b, feats),
                    "probability_ai": round(self.calibration.probability(float(r)), 4),
                }
                for b, r in zip(feats.boxes, crop_raw, strict=True)
            ],
            "timings_ms": {**feats.timings_ms, "head": (time.perf_counter() - started) * 1e3},
        }
        return self._result(raw, opened, evidence)
