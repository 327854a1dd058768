"""The four members: each turns extractor arrays into a calibrated MemberOutput.

A member is cheap once its extractor has run: the ensemble, the single-member detectors
and the training/evaluation commands all call ``output(text, arrays)`` on cached arrays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ...calibration import Calibration
from ..criteria import SCORE_NAMES, raw_score, scores_from_sums
from ..evidence import build_evidence
from ..lengths import LengthCalibrations
from ..token_stats import TokenStats
from .base import MemberOutput, SentenceScore, load_calibration, logit
from .extractors import Arrays
from .linear import head_raw
from .stats_features import FEATURE_NAMES, stats_features
from .surface_features import FEATURE_NAMES as SURFACE_NAMES


class Member:
    name = ""
    detector = ""  # the name its results carry
    extractor = ""  # which extractor's arrays it reads
    description = ""

    def __init__(self, calibration: Calibration | None = None, path: Path | None = None) -> None:
        self._calibration = calibration
        self._path = path

    @property
    def calibration(self) -> Calibration:
        if self._calibration is None:
            self._calibration = load_calibration(self.name, self._path)
        return self._calibration

    def calibration_for(self, arrays: Arrays) -> Calibration:
        """The calibration one text is judged by (the zero-shot member's depends on length)."""
        return self.calibration

    def probability(self, text: str, arrays: Arrays) -> float:
        return self.calibration_for(arrays).probability(self.raw(text, arrays))

    def features(self, text: str, arrays: Arrays) -> np.ndarray:
        """The row the member's head (or Platt scaling) is fitted on."""
        raise NotImplementedError

    def raw(self, text: str, arrays: Arrays) -> float:
        head = self.calibration.params.get("head")
        row = self.features(text, arrays)
        return float(head_raw(head, row)[0]) if head else float(row[0])

    def output(self, text: str, arrays: Arrays) -> MemberOutput:
        raw = self.raw(text, arrays)
        p = self.calibration_for(arrays).probability(raw)
        return MemberOutput(raw, p, self.sentences(text, arrays))

    def sentences(self, text: str, arrays: Arrays) -> list[SentenceScore]:
        return []


class ZeroShotMember(Member):
    """Binoculars / Fast-DetectGPT with the zero-shot detector's own calibration.

    That calibration is length-aware (``lengths.py``): a text of n scored tokens is judged
    by the mapping and cuts fitted at the longest calibrated length not above n, exactly as
    ``text.zero_shot`` judges it; a sentence by the one for its own token count.
    """

    _lengths: LengthCalibrations | None = None

    def calibration_for(self, arrays: Arrays) -> Calibration:
        return self._for_tokens(len(arrays["ll"]))

    def _for_tokens(self, n: int) -> Calibration:
        if self._lengths is None:
            self._lengths = LengthCalibrations.from_calibration(self.calibration)
        return self._lengths.for_tokens(n)[0]

    name = "zero_shot"
    detector = "text.zero_shot"
    extractor = "lm_stats"
    description = "zero-shot LM statistics (Binoculars / Fast-DetectGPT)"

    @property
    def calibration(self) -> Calibration:
        if self._calibration is None:
            from ...settings import current

            path = self._path or current().text.calibration_path
            self._calibration = load_calibration(self.name, path)
        return self._calibration

    def features(self, text: str, arrays: Arrays) -> np.ndarray:
        return np.array([self.raw(text, arrays)])

    def raw(self, text: str, arrays: Arrays) -> float:
        ll, xent, var = arrays["ll"], arrays["xent"], arrays["var"]
        scores = scores_from_sums(float(ll.sum()), float(xent.sum()), float(var.sum()), len(ll))
        return raw_score(scores, self.calibration.params["score"])

    def output(self, text: str, arrays: Arrays) -> MemberOutput:
        raw = self.raw(text, arrays)
        calibration = self.calibration_for(arrays)
        stats = TokenStats(
            ll=arrays["ll"],
            xent=arrays["xent"],
            var=arrays["var"],
            offsets=arrays["offsets"],
            window=arrays["window"],
        )
        definition = self.calibration.params["score"]
        evidence = build_evidence(text, stats, definition)
        ll, xent, var = arrays["ll"], arrays["xent"], arrays["var"]
        scores = scores_from_sums(float(ll.sum()), float(xent.sum()), float(var.sum()), len(ll))
        sentences = [
            SentenceScore(
                s["start"], s["end"], self._for_tokens(s["tokens"]).probability(s["score"])
            )
            for s in evidence["sentences"]
        ]
        kept = {
            "scores": {k: round(scores[k], 4) for k in SCORE_NAMES},
            "raw_score_name": definition["name"],
            "tokens_scored": evidence["tokens_scored"],
            "token_means": evidence["token_means"],
        }
        return MemberOutput(raw, calibration.probability(raw), sentences, kept)


class StyleMember(Member):
    """The packaged llm-detector's probability, re-calibrated on this project's data."""

    name = "style"
    detector = "text.style"
    extractor = "style"
    description = "llm-detector 0.2.0 (style and tokenizer features, logistic; MIT)"

    def features(self, text: str, arrays: Arrays) -> np.ndarray:
        return np.array([logit(float(arrays["p_llm"][0]))])

    def sentences(self, text: str, arrays: Arrays) -> list[SentenceScore]:
        cal = self.calibration
        return [
            SentenceScore(int(s), int(e), cal.probability(logit(float(p))))
            for s, e, p in zip(
                arrays["sentence_start"], arrays["sentence_end"], arrays["sentence_p"], strict=True
            )
        ]

    def output(self, text: str, arrays: Arrays) -> MemberOutput:
        out = super().output(text, arrays)
        out.evidence = {"package_p_llm": round(float(arrays["p_llm"][0]), 4)}
        return out


class EmbeddingHeadMember(Member):
    """A logistic head on the mean MiniLM sentence embedding (trained here)."""

    name = "embedding_head"
    detector = "text.embedding_head"
    extractor = "embedding"
    description = "logistic head on all-MiniLM-L6-v2 sentence embeddings (trained here)"

    def features(self, text: str, arrays: Arrays) -> np.ndarray:
        vectors = arrays["sentence_vectors"]
        if len(vectors) == 0:
            return np.zeros(384)
        mean = vectors.mean(axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-9)

    def sentences(self, text: str, arrays: Arrays) -> list[SentenceScore]:
        head = self.calibration.params.get("head")
        vectors = arrays["sentence_vectors"]
        if not head or len(vectors) == 0:
            return []
        raws = head_raw(head, vectors)
        cal = self.calibration
        return [
            SentenceScore(int(s), int(e), cal.probability(float(r)))
            for s, e, r in zip(arrays["sentence_start"], arrays["sentence_end"], raws, strict=True)
        ]


class StatsHeadMember(Member):
    """A logistic head on per-token LM statistics and their spread across sentences."""

    name = "stats_head"
    detector = "text.stats_head"
    extractor = "lm_stats"
    feature_names = FEATURE_NAMES
    description = (
        "logistic head on per-token LM statistics: perplexity, entropy, log-probability "
        "histogram, burstiness across sentences (trained here)"
    )

    def features(self, text: str, arrays: Arrays) -> np.ndarray:
        return stats_features(text, arrays)

    def output(self, text: str, arrays: Arrays) -> MemberOutput:
        out = super().output(text, arrays)
        row = self.features(text, arrays)
        out.evidence = {
            "features": {k: round(float(v), 4) for k, v in zip(FEATURE_NAMES, row, strict=True)}
        }
        return out


class SurfaceHeadMember(Member):
    """A logistic head on surface features of the writing (no model; trained here)."""

    name = "surface_head"
    detector = "text.surface_head"
    extractor = "surface"
    feature_names = SURFACE_NAMES
    description = (
        "logistic head on surface features: sentence-length spread, punctuation, "
        "contractions, capitalisation, stock phrases (trained here)"
    )

    def features(self, text: str, arrays: Arrays) -> np.ndarray:
        return np.asarray(arrays["features"], dtype=float)

    def sentences(self, text: str, arrays: Arrays) -> list[SentenceScore]:
        head = self.calibration.params.get("head")
        rows = arrays["sentence_features"]
        if not head or len(rows) == 0:
            return []
        raws = head_raw(head, rows)
        cal = self.calibration
        return [
            SentenceScore(int(s), int(e), cal.probability(float(r)))
            for s, e, r in zip(arrays["sentence_start"], arrays["sentence_end"], raws, strict=True)
        ]


MEMBERS: dict[str, type[Member]] = {
    m.name: m
    for m in (
        ZeroShotMember,
        StyleMember,
        EmbeddingHeadMember,
        StatsHeadMember,
        SurfaceHeadMember,
    )
}


def make_members(names: list[str] | None = None, **kwargs: Any) -> list[Member]:
    return [MEMBERS[n](**kwargs) for n in (names or list(MEMBERS))]
