"""What the ensemble's members share: calibration files, logits, sentence spans."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...calibration import Calibration
from ...errors import ModelUnavailable
from ..sentences import split_sentences

CALIBRATION_DIR = Path(__file__).resolve().parent.parent / "calibration"
TRAIN_HINT = "create it with `manage.py train_text_members`"
# Probabilities are clipped before taking logits so one saturated member cannot
# dominate a logistic fusion with an infinite input.
EPS = 1e-4


def logit(p: float) -> float:
    p = min(max(float(p), EPS), 1.0 - EPS)
    return math.log(p / (1.0 - p))


def calibration_path(member: str) -> Path:
    return CALIBRATION_DIR / f"{member}.json"


def load_calibration(member: str, path: Path | None = None) -> Calibration:
    path = path or calibration_path(member)
    if not path.is_file():
        raise ModelUnavailable(
            f"calibration file of text member {member!r} missing: {path}; {TRAIN_HINT}"
        )
    return Calibration.load(path)


@dataclass
class SentenceScore:
    """One sentence's probability under one member (character span into the text)."""

    start: int
    end: int
    probability_ai: float


@dataclass
class MemberOutput:
    """A member's verdict ingredients for one text, before it becomes a DetectionResult."""

    raw: float
    probability: float
    sentences: list[SentenceScore] = field(default_factory=list)
    evidence: dict[str, Any] = field(default_factory=dict)


def sentence_spans(text: str, max_sentences: int = 1000) -> list[tuple[int, int]]:
    return split_sentences(text)[:max_sentences]
