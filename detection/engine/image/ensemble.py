"""``image.ensemble`` (the image default): provenance + multi-layer CLIP head + patch head.

- Each image is decoded once (JPEGs at a reduced DCT scale when large) and encoded once;
  both learned heads read the same passes (canonical crops + the degraded view).
- The vote's ``ai`` / ``human`` needs the CLIP member's two views to agree
  (``require_view_agreement`` in ``ensemble.json``); otherwise the answer is ``uncertain``.
- ``evidence["attribution"]``: the most similar known generator family, with its
  calibrated confidence (evidence only).
- Voting: ``weighted`` (default), ``majority`` or ``unanimous`` (engine/voting.py), chosen by
  ``options["voting"]`` or ``DETECTION_IMAGE_VOTING``; weights by ``options["weights"]`` or
  ``DETECTION_IMAGE_WEIGHTS`` (``image.clip=3,image.patch=1``); defaults and the weighted
  vote's cuts come from ``ensemble.json``, set on held-out scores by ``train_image_head``.
- Provenance votes only when it found something (a generator's metadata, a trusted
  capture claim). A conclusive finding (valid C2PA declaring trainedAlgorithmicMedia, a
  decoded Stable Diffusion watermark) decides the verdict outright, and the result says so.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import settings
from ..base import DetectorInput, DetectViaBatch
from ..result import DetectionResult
from ..voting import VOTING_METHODS, VotingMethod, vote
from . import heads
from .clip_features import extract
from .clip_layers import shared_encoder
from .learned import ClipHeadDetector, open_all
from .patches import PatchTokenDetector
from .provenance.detector import ProvenanceDetector
from .validate import OpenedImage

PROVENANCE_WEIGHT = 2.0  # a generator's own (unsigned) metadata outweighs the patch head


def probe() -> None:
    from .learned import probe as probe_learned
    from .provenance.detector import probe as probe_provenance

    probe_learned()
    probe_provenance()


def _views_agree(clip: DetectionResult, verdict: str, ai_at: float, human_below: float) -> bool:
    """The vote's verdict must hold in both views of the CLIP member: ``ai`` needs each
    view's probability at or above the vote's ``ai_at``, ``human`` each under
    ``human_below`` (the rule the cuts were measured with in training)."""
    views = clip.evidence.get("views") or {}
    if verdict == "ai":
        return all(p >= ai_at for p in views.values())
    if verdict == "human":
        return all(p < human_below for p in views.values())
    return True


class ImageEnsemble(DetectViaBatch):
    name = "image.ensemble"
    modality = "image"

    def __init__(self) -> None:
        self.provenance = ProvenanceDetector()
        self.clip = ClipHeadDetector()
        self.patch = PatchTokenDetector()
        self.config: dict[str, Any] = {}

    def load(self) -> None:
        self.provenance.load()
        self.clip.load()
        self.patch.load()
        self.config = json.loads(heads.ENSEMBLE_CONFIG.read_text())

    def _settings(self, options: Mapping[str, Any] | None) -> tuple[VotingMethod, dict[str, float]]:
        options = options or {}
        method = (
            options.get("voting")
            or settings.current().image.voting
            or (self.config.get("method", "weighted"))
        )
        if method not in VOTING_METHODS:
            from ..errors import InputRejected

            raise InputRejected(f"unknown voting method {method!r}; use one of {VOTING_METHODS}")
        weights = {**self.config.get("weights", {}), self.provenance.name: PROVENANCE_WEIGHT}
        weights.update(settings.current().image.weights)
        given = options.get("weights") or {}
        if not isinstance(given, Mapping):
            from ..errors import InputRejected

            raise InputRejected('options["weights"] must map detector names to numbers')
        weights.update({str(k): float(v) for k, v in given.items()})
        return method, weights

    def detect_batch(
        self, contents: Sequence[DetectorInput], *, options: Mapping[str, Any] | None = None
    ) -> list[DetectionResult]:
        method, weights = self._settings(options)
        t0 = time.perf_counter()
        opened = open_all(contents)
        decode_ms = (time.perf_counter() - t0) * 1000.0 / max(1, len(opened))
        provenance = [
            self.provenance.analyse(Path(c), o) for c, o in zip(contents, opened, strict=True)
        ]
        feats = extract(
            shared_encoder(), [o.image for o in opened], original_sizes=[o.size for o in opened]
        )
        results = []
        for o, prov, f in zip(opened, provenance, feats, strict=True):
            f.timings_ms["decode"] = decode_ms
            members = [prov, self.clip.from_features(o, f), self.patch.from_features(o, f)]
            timings = {**f.timings_ms, "provenance": prov.elapsed_ms}
            results.append(self._combine(o, members, method, weights, timings))
        return results

    def _combine(
        self,
        opened: OpenedImage,
        members: list[DetectionResult],
        method: VotingMethod,
        weights: dict[str, float],
        timings: dict[str, float],
    ) -> DetectionResult:
        provenance = members[0]
        voters = [m for m in members if m.evidence.get("informative", True)]
        voters = [m for m in voters if weights.get(m.detector, 1.0) > 0] or voters
        ai_at = float(self.config.get("ai_at", 0.5))
        human_below = float(self.config.get("human_below", 0.5))
        verdict, probability = vote(voters, method, weights, ai_at=ai_at, human_below=human_below)
        evidence: dict[str, Any] = {
            "voting": {
                "method": method,
                "weights": {m.detector: weights.get(m.detector, 1.0) for m in voters},
                "ai_at": ai_at,
                "human_below": human_below,
                "voters": [m.detector for m in voters],
            },
            "decided_by": "vote",
            "timings_ms": {k: round(v, 2) for k, v in timings.items()},
        }
        clip = members[1]
        if (
            self.config.get("require_view_agreement")
            and verdict != "uncertain"
            and not provenance.evidence.get("informative")
            and not _views_agree(clip, verdict, ai_at, human_below)
        ):
            verdict = "uncertain"
            evidence["decided_by"] = "view disagreement"
            evidence["view_agreement"] = {
                "agree": False,
                "reason": "the canonical and the degraded view of the image do not both "
                f"support the vote ({clip.evidence.get('views')}), so the answer is uncertain",
            }
        if provenance.evidence.get("conclusive"):
            conclusive = [
                f for f in provenance.evidence["findings"] if f["strength"] == "conclusive"
            ]
            verdict, probability = "ai", max(probability, provenance.probability_ai)
            evidence["decided_by"] = "provenance"
            evidence["override"] = (
                "conclusive provenance overrides the learned detectors: "
                + "; ".join(f["summary"] for f in conclusive)
            )
        # The UI's overlay reads these from the top level, whatever the members.
        patch = members[2].evidence
        evidence["patch_heatmap"] = patch.get("patch_heatmap")
        evidence["most_suspicious_patch"] = patch.get("most_suspicious_patch")
        evidence["provenance_findings"] = provenance.evidence.get("findings", [])
        evidence["attribution"] = clip.evidence.get("attribution")
        return DetectionResult(
            modality="image",
            detector=self.name,
            verdict=verdict,
            probability_ai=float(min(1.0, max(0.0, probability))),
            raw_score=float(probability),
            threshold=ai_at if method == "weighted" else None,
            models=list(dict.fromkeys(ref for m in members for ref in m.models)),
            elapsed_ms=float(sum(timings.values())),
            evidence=evidence,
            members=members,
            warnings=list(opened.notes),
        )
