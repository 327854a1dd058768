"""Text detectors (torch-free: the web process imports this to list and probe them)."""

from __future__ import annotations

from ..registry import DetectorSpec

SPECS: list[DetectorSpec] = [
    DetectorSpec(
        name="text.zero_shot",
        modality="text",
        impl="detection.engine.text.zero_shot:ZeroShotTextDetector",
        default=True,
        probe="detection.engine.text.probe:probe",
        description=(
            "Zero-shot detection from a language model's own statistics: Binoculars "
            "(perplexity over cross-perplexity) and the analytic Fast-DetectGPT criterion, "
            "computed in one pass of Gemma 3 270M (packaged, offline) or a configured "
            "observer/performer pair, with Platt-calibrated probabilities and per-sentence "
            "scores. English prose of at least 40 words."
        ),
    )
]
