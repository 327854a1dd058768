"""Text detectors (torch-free: the web process imports this to list and probe them)."""

from __future__ import annotations

from ..registry import DetectorSpec

SPECS: list[DetectorSpec] = [
    DetectorSpec(
        name="text.ensemble",
        modality="text",
        impl="detection.engine.text.ensemble:TextEnsembleDetector",
        default=True,
        probe="detection.engine.text.ensemble_probe:probe_ensemble",
        description=(
            "Ensemble of the zero-shot LM scorer (Binoculars / Fast-DetectGPT), the packaged "
            "llm-detector style classifier and two heads trained here (MiniLM sentence "
            "embeddings; per-token LM statistics), fused by logistic regression with a "
            "three-way verdict, every member's score and per-sentence probabilities. "
            "English prose of at least 40 words; non-English text, code and degenerate input "
            "get an uncertain verdict with the reason."
        ),
    ),
    DetectorSpec(
        name="text.zero_shot",
        modality="text",
        impl="detection.engine.text.zero_shot:ZeroShotTextDetector",
        default=False,
        probe="detection.engine.text.probe:probe",
        description=(
            "Zero-shot detection from a language model's own statistics: Binoculars "
            "(perplexity over cross-perplexity) and the analytic Fast-DetectGPT criterion, "
            "computed in one pass of Gemma 3 270M (packaged, offline) or a configured "
            "observer/performer pair, with Platt-calibrated probabilities and per-sentence "
            "scores. English prose of at least 40 words."
        ),
    ),
    DetectorSpec(
        name="text.style",
        modality="text",
        impl="detection.engine.text.members.detectors:StyleDetector",
        probe="detection.engine.text.ensemble_probe:probe_style",
        description="The packaged llm-detector (style and tokenizer features), recalibrated.",
    ),
    DetectorSpec(
        name="text.embedding_head",
        modality="text",
        impl="detection.engine.text.members.detectors:EmbeddingHeadDetector",
        probe="detection.engine.text.ensemble_probe:probe_embedding_head",
        description="A logistic head trained here on all-MiniLM-L6-v2 sentence embeddings.",
    ),
    DetectorSpec(
        name="text.stats_head",
        modality="text",
        impl="detection.engine.text.members.detectors:StatsHeadDetector",
        probe="detection.engine.text.ensemble_probe:probe_stats_head",
        description=(
            "A logistic head trained here on per-token LM statistics (perplexity, entropy, "
            "log-probability histogram, burstiness across sentences)."
        ),
    ),
    DetectorSpec(
        name="text.surface_head",
        modality="text",
        impl="detection.engine.text.members.detectors:SurfaceHeadDetector",
        probe="detection.engine.text.ensemble_probe:probe_surface_head",
        description=(
            "A logistic head trained here on surface features of the writing (sentence-length "
            "spread, punctuation, contractions, capitalisation, stock phrases); no model."
        ),
    ),
]
