"""Readings for model rows, including list pages that load only part of the evidence."""

from __future__ import annotations

from typing import Any

from django.db.models import F, QuerySet

from detection.models import Detection

from .reading import reading_for

# The evidence keys a reading looks at (the rest, e.g. per-sentence lists, can be large).
READING_EVIDENCE_KEYS = ("fusion", "input", "voting", "aggregate")


def with_reading_evidence(queryset: QuerySet[Detection]) -> QuerySet[Detection]:
    """Annotate the small evidence parts a reading needs, for lists that defer evidence."""
    return queryset.annotate(
        **{f"reading_{key}": F(f"evidence__{key}") for key in READING_EVIDENCE_KEYS}
    )


def reading_of(detection: Detection) -> dict[str, Any]:
    deferred = detection.get_deferred_fields()
    if "evidence" in deferred:
        evidence = {
            key: getattr(detection, f"reading_{key}", None) for key in READING_EVIDENCE_KEYS
        }
    else:
        evidence = detection.evidence
    return reading_for(
        {
            "status": detection.status,
            "modality": detection.modality,
            "verdict": detection.verdict,
            "probability_ai": detection.probability_ai,
            "detector": detection.detector,
            "results": {} if "results" in deferred else detection.results,
            "evidence": evidence,
            "content_type": detection.content_type,
            "input_meta": {} if "input_meta" in deferred else detection.input_meta,
        }
    )
