"""``image.provenance``: what the file says about where it came from.

Reads C2PA Content Credentials, generator metadata (PNG text chunks, EXIF, XMP) and the
Stable Diffusion invisible watermark. It can say "AI" with certainty when a generator
declared itself; it can never say "real" on the absence of evidence, so with nothing found
its verdict is ``uncertain`` and ``evidence["informative"]`` is false (the ensemble then
leaves it out of the vote).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from ...base import DetectorInput, Progress
from ...errors import ModelUnavailable
from ...result import DetectionResult, ModelRef, Verdict
from ..validate import OpenedImage, open_image
from . import c2pa_check, metadata, watermark
from .findings import Finding

POLICY_PATH = Path(__file__).with_name("policy.json")


def probe() -> None:
    from ...weights import module_available

    for module, package in (("c2pa", "c2pa-python"), ("imwatermark", "invisible-watermark")):
        if not module_available(module):
            raise ModelUnavailable(f"package {package!r} is not installed: pip install {package}")


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return ""


class ProvenanceDetector:
    name = "image.provenance"
    modality = "image"

    def __init__(self) -> None:
        self.policy: dict[str, Any] = {}
        self.models: list[ModelRef] = []

    def load(self) -> None:
        probe()
        self.policy = json.loads(POLICY_PATH.read_text())["probability"]
        self.models = [
            ModelRef("c2pa-python", _package_version("c2pa-python")),
            ModelRef("invisible-watermark", _package_version("invisible-watermark")),
        ]

    def detect(
        self,
        content: DetectorInput,
        *,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult:
        path = Path(content)
        return self.analyse(path, open_image(path))

    def findings(self, path: Path, opened: OpenedImage) -> tuple[list[Finding], dict[str, Any]]:
        found = c2pa_check.check(path)
        meta_findings, fields = metadata.check(path)
        found += meta_findings
        if opened.decode_scale < 1.0:
            # A JPEG decoded at reduced scale: the mark lives in full-resolution pixels (and
            # JPEG compression destroys it anyway), so there is nothing to decode.
            marks: list[Finding] = []
            wm_info: dict[str, object] = {
                "checked": False,
                "reason": "JPEG decoded at reduced scale; the watermark needs the full pixels",
            }
        else:
            marks, wm_info = watermark.check(np.asarray(opened.image))
        found += marks
        return found, {
            "metadata_fields": metadata.summarise_fields(fields),
            "watermark": wm_info,
        }

    def analyse(self, path: Path, opened: OpenedImage) -> DetectionResult:
        started = time.perf_counter()
        found, checked = self.findings(path, opened)
        verdict: Verdict
        conclusive = [f for f in found if f.strength == "conclusive" and f.points_to == "ai"]
        strong_ai = [f for f in found if f.strength == "strong" and f.points_to == "ai"]
        strong_real = [f for f in found if f.strength == "strong" and f.points_to == "real"]
        if conclusive:
            verdict, p, raw = "ai", self.policy["conclusive_ai"], 2.0
        elif strong_ai:
            verdict, p, raw = "ai", self.policy["strong_ai"], 1.0
        elif strong_real:
            verdict, p, raw = "human", self.policy["strong_real"], -1.0
        else:
            verdict, p, raw = "uncertain", self.policy["none"], 0.0
        return DetectionResult(
            modality="image",
            detector=self.name,
            verdict=verdict,
            probability_ai=float(p),
            raw_score=raw,
            threshold=None,
            models=list(self.models),
            elapsed_ms=(time.perf_counter() - started) * 1000.0,
            evidence={
                "informative": bool(conclusive or strong_ai or strong_real),
                "conclusive": bool(conclusive),
                "findings": [f.to_dict() for f in found],
                "checked": ["c2pa", "metadata", "watermark"],
                **checked,
            },
            warnings=list(opened.notes),
        )
