"""``image.clip``: a head on several layers of the CLIP ViT-B/16 tower, two views agreeing.

The head (``clip_head.json``) reads, per crop, the class / mean patch tokens of the layers
its spec names (:mod:`.clip_layers`); its calibration (``clip_calibration.json``) and the
figures on held-out generator families and real sources come from
``manage.py train_image_head``. An image is seen twice: its canonical view (several crops;
their scores averaged) and a degraded, thumbnail-like copy (:mod:`.views`). A verdict needs
both views to agree; when they do not, the answer is ``uncertain`` and the result says why.
The most similar known generator family (:mod:`.attribution`) comes with it as evidence.
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
from .attribution import AttributionModel
from .clip_features import ClipFeatures, extract
from .clip_layers import LayeredClipEncoder, shared_encoder
from .validate import OpenedImage, open_image


def probe() -> None:
    from .clip_encoder import probe as probe_encoder

    probe_encoder()
    heads.probe_files()


# JPEGs are decoded at a reduced DCT scale when the picture stays at least this large on its
# short side: the learned members see a 256 px canonical copy, so a full 12-megapixel decode
# would only be thrown away (and costs most of a second on one core).
DECODE_SHORT_SIDE = 512


def open_all(contents: Sequence[DetectorInput]) -> list[OpenedImage]:
    """Open every image of a batch; a bad one is rejected by name so the caller can drop it."""
    from ..errors import InputRejected

    opened = []
    for content in contents:
        try:
            opened.append(open_image(Path(content), reduce_to=DECODE_SHORT_SIDE))
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
        self.encoder: LayeredClipEncoder | None = None
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
        feats = extract(
            self.encoder, [o.image for o in opened], original_sizes=[o.size for o in opened]
        )
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

    def __init__(self) -> None:
        super().__init__()
        self.attribution: AttributionModel | None = None

    def load(self) -> None:
        super().load()
        assert self.encoder is not None
        self.attribution = AttributionModel.load(heads.ATTRIBUTION, self.encoder.sha256)

    def view_scores(self, feats: ClipFeatures) -> tuple[np.ndarray, float, float]:
        """Per-crop raw scores of the canonical view, and the two views' raw scores."""
        assert self.head is not None
        crop_raw = self.head.decision(self.head.features(feats.layers))
        degraded = float(self.head.decision(self.head.features(feats.degraded_layers))[0])
        return crop_raw, float(crop_raw.mean()), degraded

    def raw_score(self, canonical_raw: float, degraded_raw: float) -> float:
        assert self.head is not None
        if self.head.meta.get("score_views", ["canonical", "degraded"]) == ["canonical"]:
            return canonical_raw
        return (canonical_raw + degraded_raw) / 2.0

    def from_features(self, opened: OpenedImage, feats: ClipFeatures) -> DetectionResult:
        assert self.head is not None and self.calibration is not None
        assert self.attribution is not None
        started = time.perf_counter()
        cal = self.calibration
        crop_raw, canon_raw, degraded_raw = self.view_scores(feats)
        raw = self.raw_score(canon_raw, degraded_raw)
        p_views = {
            "canonical": cal.probability(canon_raw),
            "degraded": cal.probability(degraded_raw),
        }
        agreement = view_agreement(cal, cal.probability(raw), p_views)
        evidence: dict[str, Any] = {
            "view": self.head.meta.get("view", ""),
            "pipeline": canonical.PIPELINE_ID,
            "views": {k: round(v, 4) for k, v in p_views.items()},
            "view_agreement": agreement,
            "attribution": self.attribution.explain(feats.layers),
            "crops": [
                {
                    "box": original_box(b, feats),
                    "probability_ai": round(cal.probability(float(r)), 4),
                }
                for b, r in zip(feats.boxes, crop_raw, strict=True)
            ],
            "timings_ms": {**feats.timings_ms, "head": (time.perf_counter() - started) * 1e3},
        }
        result = self._result(raw, opened, evidence)
        if not agreement["agree"]:
            result.verdict = "uncertain"
        return result


def view_agreement(
    cal: Calibration, probability: float, p_views: dict[str, float]
) -> dict[str, Any]:
    """A verdict of ``ai`` (or ``human``) needs every view on the same side of its cut."""
    verdict = cal.verdict(probability)
    if verdict == "ai":
        agree = all(p >= cal.ai_at for p in p_views.values())
    elif verdict == "human":
        agree = all(p < cal.human_below for p in p_views.values())
    else:
        agree = True
    out: dict[str, Any] = {"agree": agree}
    if not agree:
        shown = ", ".join(f"{k} {v:.2f}" for k, v in p_views.items())
        need = f"at or above {cal.ai_at:.3f}" if verdict == "ai" else f"under {cal.human_below:.3f}"
        out["reason"] = (
            f"the views disagree ({shown}): {verdict!r} needs both {need}, so the answer is "
            "uncertain"
        )
    return out
