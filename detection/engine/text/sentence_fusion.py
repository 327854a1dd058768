"""Per-sentence AI probabilities for highlighting (GPTZero-style), from the members.

Each member that scores sentences (zero-shot, style, embedding head) gives a calibrated
probability per sentence of its own segmentation; they are mapped onto one segmentation
(``sentences.split_sentences``) by character overlap and fused with the document fusion's
weights. A member without sentence scores contributes its document probability. The fused
raw score goes through the fusion file's per-sentence-length Platt mapping
(``sentence_by_words``), fitted on held-out sentences, so a sentence's probability is on
the verdict's scale and a short sentence lands near the uncertain middle.

The UI reads ``evidence["sentences"] = [{"text", "probability_ai", ...}]``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .fusion_model import LearnedFusion
from .members.base import MemberOutput, SentenceScore
from .sentences import split_sentences

MAX_SENTENCES = 1000
SENTENCE_TEXT_CHARS = 240


def _overlap_mean(start: int, end: int, scores: list[SentenceScore]) -> float | None:
    total, weight = 0.0, 0
    for s in scores:
        overlap = min(end, s.end) - max(start, s.start)
        if overlap > 0:
            total += overlap * s.probability_ai
            weight += overlap
    return total / weight if weight else None


def fuse_sentences(
    text: str, outputs: Mapping[str, MemberOutput], fusion: LearnedFusion
) -> list[dict[str, Any]]:
    spans = split_sentences(text)[:MAX_SENTENCES]
    out = []
    for start, end in spans:
        probs: dict[str, float] = {}
        sentence_members: dict[str, float] = {}
        for name, output in outputs.items():
            p = _overlap_mean(start, end, output.sentences) if output.sentences else None
            if p is not None:
                sentence_members[name] = round(p, 4)
            probs[name] = output.probability if p is None else p
        piece = text[start:end]
        if len(piece) > SENTENCE_TEXT_CHARS:
            piece = piece[: SENTENCE_TEXT_CHARS - 1] + "\u2026"
        out.append(
            {
                "start": start,
                "end": end,
                "text": piece,
                "probability_ai": round(
                    fusion.sentence_probability(probs, len(text[start:end].split())), 4
                ),
                "members": sentence_members,
            }
        )
    return out
