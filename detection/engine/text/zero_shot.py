"""Zero-shot AI-text detection with Binoculars and the analytic Fast-DetectGPT criterion.

One pass of the language model(s) gives three statistics per token (``token_stats.py``);
both criteria are ratios of their sums (``criteria.py``). The verdict uses the raw score
that the calibration file names (chosen on the calibration split, see
``manage.py calibrate_text``); both criteria always appear in the evidence.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import torch

from .. import settings as engine_settings
from ..base import DetectorInput, Progress
from ..calibration import Calibration
from ..errors import InputRejected, ModelUnavailable
from ..result import DetectionResult, ModelRef
from ..settings import TextSettings
from .choices import ModelChoice, configured_choices
from .criteria import SCORE_NAMES, raw_score, scores_from_sums
from .evidence import DEFAULT_MAX_SENTENCES, build_evidence
from .lengths import LengthCalibrations
from .limits import check_text
from .lm import DTYPES, load_pair
from .token_stats import Scorer, TokenStats

log = logging.getLogger(__name__)

SHORT_TEXT_TOKENS = 128  # below this, results carry a warning with the hold-out AUROC


def resolve_dtype(setting: str, device: str) -> torch.dtype:
    if setting == "auto":
        # bfloat16 only where the hardware computes it natively; emulated bf16 is slower.
        native = device == "cuda" or any(
            getattr(torch.cpu, probe, lambda: False)()
            for probe in ("_is_avx512_bf16_supported", "_is_amx_tile_supported")
        )
        setting = "bfloat16" if native else "float32"
    if setting not in DTYPES:
        raise ModelUnavailable(
            f"DETECTION_TEXT_DTYPE must be auto, float32 or bfloat16, not {setting!r}"
        )
    return DTYPES[setting]


def resolve_device(setting: str) -> str:
    if setting == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if setting not in ("cpu", "cuda"):
        raise ModelUnavailable(f"DETECTION_TEXT_DEVICE must be auto, cpu or cuda: {setting!r}")
    return setting


class ZeroShotTextDetector:
    name = "text.zero_shot"
    modality = "text"

    def __init__(
        self,
        settings: TextSettings | None = None,
        *,
        observer: ModelChoice | None = None,
        performer: ModelChoice | None = None,
        calibration_path: Path | None = None,
    ) -> None:
        self.settings = settings or engine_settings.current().text
        env_observer, env_performer = configured_choices()
        self.observer_choice = observer or env_observer
        self.performer_choice = performer or env_performer
        self.calibration_path = calibration_path or self.settings.calibration_path
        self.scorer: Scorer | None = None
        self.calibration: Calibration | None = None
        self.lengths: LengthCalibrations | None = None
        self.models: list[ModelRef] = []
        self.dtype_name = ""
        self.device = ""
        self._warnings: list[str] = []

    # -- loading ------------------------------------------------------------------------

    def load_models(self) -> Scorer:
        """The language models and scorer, without the calibration (calibrate_text uses it)."""
        if self.scorer is not None:
            return self.scorer
        s = self.settings
        self.device = resolve_device(s.device)
        dtype = resolve_dtype(s.dtype, self.device)
        self.dtype_name = str(dtype).removeprefix("torch.")
        observer, performer = load_pair(self.observer_choice, self.performer_choice, dtype)
        for lm in {id(observer): observer, id(performer): performer}.values():
            lm.model.to(self.device)
        self.models = list(dict.fromkeys([observer.ref, performer.ref]))
        self.scorer = Scorer(
            observer,
            performer,
            window_tokens=s.window_tokens,
            overlap=s.overlap,
            batch_windows=s.batch_windows,
            compile_stats=s.compile,
            device=self.device,
            threads=s.scoring_threads(),
        )
        return self.scorer

    def load(self) -> None:
        if self.calibration is None:
            self._load_calibration()  # first: a missing file should not cost a model load
        self.load_models()

    def _load_calibration(self) -> None:
        if not self.calibration_path.is_file():
            raise ModelUnavailable(
                f"text calibration file missing: {self.calibration_path}; "
                "create it with `manage.py calibrate_text`"
            )
        self.calibration = Calibration.load(self.calibration_path)
        self.lengths = LengthCalibrations.from_calibration(self.calibration)
        made_for = self.calibration.provenance.get("models", {})
        running = {"observer": self.observer_choice.key, "performer": self.performer_choice.key}
        if made_for and made_for != running:
            self._warnings.append(
                f"the calibration was made for {made_for}, not the running models {running}: "
                "probabilities and verdicts may be off; run manage.py calibrate_text"
            )

    # -- detection ----------------------------------------------------------------------

    def token_stats(
        self,
        texts: Sequence[str],
        *,
        window_tokens: int | None = None,
        overlap: int | None = None,
        progress: Progress | None = None,
        max_windows: int = 0,
    ) -> list[TokenStats]:
        """Per-token statistics of already-checked texts (see ``limits.check_text``)."""
        scorer = self.load_models()
        return scorer.token_stats(
            texts,
            window_tokens=window_tokens,
            overlap=overlap,
            progress=progress,
            max_windows=max_windows,
        )

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
        """Several texts at once: their windows share model batches (faster per text).

        Each result's ``elapsed_ms`` is the batch's time times the text's share of tokens.
        """
        return self._detect_many(list(contents), options, None)

    def _detect_many(
        self,
        contents: list[DetectorInput],
        options: Mapping[str, Any] | None,
        progress: Progress | None,
    ) -> list[DetectionResult]:
        opts = _parse_options(options, self.settings)
        texts = []
        for i, content in enumerate(contents):
            if not isinstance(content, str):
                raise InputRejected("the text detector takes text, not a file")
            try:
                texts.append(check_text(content))
            except InputRejected as exc:
                if len(contents) == 1:
                    raise
                raise InputRejected(f"text {i + 1} of {len(contents)}: {exc}") from exc
        if not texts:
            return []
        self.load()
        start = time.perf_counter()
        stats = self.token_stats(
            texts,
            window_tokens=opts["window_tokens"],
            overlap=opts["window_overlap"],
            progress=progress,
        )
        elapsed_ms = (time.perf_counter() - start) * 1000.0
        total = sum(st.n for st in stats) or 1
        return [
            self._result(text, st, elapsed_ms * st.n / total, opts)
            for text, st in zip(texts, stats, strict=True)
        ]

    def calibration_for(self, n_tokens: int) -> tuple[Calibration, int | None]:
        """The calibration a text of ``n_tokens`` scored tokens is judged by (see lengths.py)."""
        self.load()
        assert self.lengths is not None
        return self.lengths.for_tokens(n_tokens)

    def _result(
        self, text: str, stats: TokenStats, elapsed_ms: float, opts: Mapping[str, int]
    ) -> DetectionResult:
        calibration, bucket = self.calibration_for(stats.n)
        definition = calibration.params["score"]
        scores = scores_from_sums(
            float(stats.ll.sum()), float(stats.xent.sum()), float(stats.var.sum()), stats.n
        )
        raw = raw_score(scores, definition)
        probability = calibration.probability(raw)
        evidence = {
            "scores": {k: round(scores[k], 4) for k in SCORE_NAMES},
            "raw_score_name": definition["name"],
            "orientation": "every score: higher = more AI-like",
            "window_tokens": opts["window_tokens"],
            "window_overlap": opts["window_overlap"],
            "dtype": self.dtype_name,
            "device": self.device,
            "calibration": {
                "ai_at": calibration.ai_at,
                "human_below": calibration.human_below,
                "fpr_target": calibration.provenance.get("fpr_target"),
                "length_tokens": bucket,
                "date": calibration.provenance.get("date"),
            },
        } | build_evidence(text, stats, definition, max_sentences=opts["max_sentences"])
        warnings = list(self._warnings)
        if stats.n < SHORT_TEXT_TOKENS:
            warnings.append(_short_text_warning(stats.n, calibration, bucket))
        return DetectionResult(
            modality="text",
            detector=self.name,
            verdict=calibration.verdict(probability),
            probability_ai=probability,
            raw_score=raw,
            threshold=calibration.raw_threshold,
            models=list(self.models),
            elapsed_ms=elapsed_ms,
            evidence=evidence,
            warnings=warnings,
        )


def _short_text_warning(n: int, calibration: Calibration, bucket: int | None) -> str:
    figures = calibration.holdout.get("by_length", {}).get(str(bucket), {})
    note = ""
    if "auroc" in figures:
        note = f" (hold-out AUROC at {bucket} tokens: {figures['auroc']:.2f})"
    return f"short text: {n} tokens scored; zero-shot scores are less reliable{note}"


def _parse_options(options: Mapping[str, Any] | None, settings: TextSettings) -> dict[str, int]:
    opts = dict(options or {})
    parsed = {
        "window_tokens": opts.pop("window_tokens", settings.window_tokens),
        "window_overlap": opts.pop("window_overlap", settings.overlap),
        "max_sentences": opts.pop("max_sentences", DEFAULT_MAX_SENTENCES),
    }
    if opts:
        raise InputRejected(f"unknown text detector options: {sorted(opts)}")
    for key, value in parsed.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise InputRejected(f"option {key} must be an integer")
    if not 32 <= parsed["window_tokens"] <= 4096:
        raise InputRejected("option window_tokens must be between 32 and 4096")
    if not 0 <= parsed["window_overlap"] <= parsed["window_tokens"] // 2:
        raise InputRejected("option window_overlap must be between 0 and window_tokens / 2")
    if not 0 <= parsed["max_sentences"] <= 1000:
        raise InputRejected("option max_sentences must be between 0 and 1000")
    return parsed
