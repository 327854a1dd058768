"""What a provenance check found, in a form the evidence JSON and the ensemble share."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

# conclusive: decides the verdict on its own (valid C2PA declaring AI generation, a decoded
#   generator watermark). strong: an explicit but unverifiable statement (unsigned metadata
#   written by a generator). weak: a hint only (camera EXIF, which any tool can copy).
Strength = Literal["conclusive", "strong", "weak"]
Direction = Literal["ai", "real"]

# IPTC digital source types (http://cv.iptc.org/newscodes/digitalsourcetype/...).
AI_SOURCE_TYPES = {"trainedAlgorithmicMedia"}
PARTLY_AI_SOURCE_TYPES = {"compositeWithTrainedAlgorithmicMedia", "compositeSynthetic"}
CAPTURE_SOURCE_TYPES = {"digitalCapture", "computationalCapture", "negativeFilm", "positiveFilm"}


@dataclass
class Finding:
    kind: Literal["c2pa", "metadata", "watermark"]
    strength: Strength
    points_to: Direction
    summary: str  # one sentence a person reads
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def source_type_name(uri_or_name: str) -> str:
    """'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia' -> the name."""
    return uri_or_name.rstrip("/").rsplit("/", 1)[-1]
