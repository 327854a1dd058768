"""Fusing the members' calibrated probabilities into one verdict (numpy/stdlib only).

Four methods, chosen per request (option ``fusion``) or by ``DETECTION_TEXT_FUSION``:

- ``learned`` (the default): logistic regression over the members' log-odds z_m = logit(p_m),
  ``raw = intercept + sum_m w_m z_m + sum_{m<n} w_mn z_m z_n``, fitted by
  ``manage.py train_text_fusion`` on out-of-fold member probabilities of the training
  split. The pairwise products are there because the members fail in different places (the
  zero-shot score inverts on modern assistant prose, the style score is weak on older
  GPT-3 text): a product lets one member's confidence change how much another counts. They
  are kept only when they beat the plain sum in grouped cross-validation on the training
  split. The raw score goes through the fusion file's Platt scaling and verdict cuts.
- ``weighted``: the weighted mean of the members' probabilities (``engine.voting``), with
  the weights and cuts fitted alongside the learned fusion.
- ``majority`` / ``unanimous``: over the members' own three-way verdicts.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import settings
from ..calibration import Calibration
from ..errors import InputRejected, ModelUnavailable
from ..result import DetectionResult, Verdict
from ..voting import VOTING_METHODS, vote
from .members.base import CALIBRATION_DIR, logit

FUSION_PATH = CALIBRATION_DIR / "fusion.json"
FUSION_METHODS = ("learned", *VOTING_METHODS)
FUSION_ENV = "DETECTION_TEXT_FUSION"


@dataclass
class Fused:
    verdict: Verdict
    probability: float
    raw: float | None
    threshold: float | None
    method: str


class LearnedFusion:
    def __init__(self, calibration: Calibration) -> None:
        self.calibration = calibration
        params = calibration.params
        self.members: list[str] = list(params["members"])
        self.weights: dict[str, float] = {k: float(v) for k, v in params["weights"].items()}
        self.intercept = float(params["intercept"])
        self.interactions: dict[tuple[str, str], float] = {
            (a, b): float(w)
            for key, w in params.get("interactions", {}).items()
            for a, _, b in [key.partition("*")]
        }
        # Verdict cuts per length band (words of the text), fitted at a fixed false-positive
        # rate on human texts of many sources; the file's own cuts are the longest band's.
        self.by_length: list[dict[str, Any]] = sorted(
            params.get("by_length", []), key=lambda e: int(e["min_words"])
        )
        # Per-sentence Platt mappings by sentence length (shared contract 1): a sentence's
        # fused raw score mapped onto the verdict's probability scale.
        self.sentence_by_words: list[dict[str, Any]] = sorted(
            params.get("sentence_by_words", []), key=lambda e: int(e["min_words"])
        )
        weighted = params.get("weighted", {})
        self.vote_weights: dict[str, float] = dict(weighted.get("weights", {}))
        self.weighted_cuts = (
            float(weighted.get("ai_at", 0.5)),
            float(weighted.get("human_below", 0.5)),
        )

    @classmethod
    def load(cls, path: Path | None = None) -> LearnedFusion:
        path = path or Path(settings.current().text.fusion_file or FUSION_PATH)
        if not path.is_file():
            raise ModelUnavailable(
                f"text fusion file missing: {path}; create it with `manage.py train_text_fusion`"
            )
        return cls(Calibration.load(path))

    def raw(self, probabilities: Mapping[str, float]) -> float:
        """The fused log-odds; a member that did not run contributes its neutral 0."""
        z = {m: logit(p) for m, p in probabilities.items()}
        linear = sum(w * z[m] for m, w in self.weights.items() if m in z)
        pairs = sum(w * z[a] * z[b] for (a, b), w in self.interactions.items() if a in z and b in z)
        return self.intercept + linear + pairs

    def probability(self, probabilities: Mapping[str, float]) -> float:
        return self.calibration.probability(self.raw(probabilities))

    def cuts_for(self, words: int | None) -> tuple[float, float]:
        """(ai_at, human_below) for a text of ``words`` words."""
        cuts = (self.calibration.ai_at, self.calibration.human_below)
        if words is None:
            return cuts
        for entry in self.by_length:
            if words >= int(entry["min_words"]):
                cuts = (float(entry["ai_at"]), float(entry["human_below"]))
        return cuts

    def verdict(self, probability: float, words: int | None) -> Verdict:
        ai_at, human_below = self.cuts_for(words)
        if probability >= ai_at:
            return "ai"
        return "human" if probability < human_below else "uncertain"

    def sentence_probability(self, probabilities: Mapping[str, float], words: int) -> float:
        """A sentence's P(AI) on the verdict's scale, from its members' sentence scores."""
        raw = self.raw(probabilities)
        if not self.sentence_by_words:
            return self.calibration.probability(raw)
        chosen = self.sentence_by_words[0]
        for entry in self.sentence_by_words:
            if words >= int(entry["min_words"]):
                chosen = entry
        z = float(chosen["a"]) * raw + float(chosen["b"])
        return 1.0 / (1.0 + math.exp(-max(min(z, 50.0), -50.0)))

    def fuse(
        self, results: Sequence[DetectionResult], method: str, words: int | None = None
    ) -> Fused:
        if method not in FUSION_METHODS:
            raise InputRejected(f"option fusion must be one of {FUSION_METHODS}, not {method!r}")
        probs = {member_name(r.detector): r.probability_ai for r in results}
        if method == "learned":
            raw = self.raw(probs)
            p = self.calibration.probability(raw)
            return Fused(self.verdict(p, words), p, raw, self.calibration.raw_threshold, method)
        weights = {r.detector: self.vote_weights.get(member_name(r.detector), 1.0) for r in results}
        ai_at, human_below = self.weighted_cuts if method == "weighted" else (0.5, 0.5)
        verdict, p = vote(results, method, weights, ai_at=ai_at, human_below=human_below)  # type: ignore[arg-type]
        return Fused(verdict, p, None, None, method)

    def summary(self) -> dict[str, Any]:
        return {
            "members": self.members,
            "weights": {k: round(v, 4) for k, v in self.weights.items()},
            "interactions": {f"{a}*{b}": round(w, 4) for (a, b), w in self.interactions.items()},
            "intercept": round(self.intercept, 4),
            "ai_at": self.calibration.ai_at,
            "human_below": self.calibration.human_below,
            "by_length": [
                {k: e[k] for k in ("min_words", "ai_at", "human_below")} for e in self.by_length
            ],
            "date": self.calibration.provenance.get("date"),
        }


def member_name(detector: str) -> str:
    return detector.removeprefix("text.")


def default_method() -> str:
    method = settings.current().text.fusion
    if method not in FUSION_METHODS:
        raise ModelUnavailable(f"{FUSION_ENV} must be one of {FUSION_METHODS}, not {method!r}")
    return method
