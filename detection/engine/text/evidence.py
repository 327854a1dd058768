"""Compact, JSON-ready evidence from per-token statistics (numpy only).

A 100 KB text has ~25k tokens: the evidence never lists tokens. It gives the whole
text's scores, one entry per model window, and per-sentence scores for at most
``max_sentences`` sentences (the most AI-like ones, listed in text order).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .criteria import SCORE_NAMES, group_sums, raw_score, scores_from_sums
from .sentences import split_sentences
from .token_stats import TokenStats

DEFAULT_MAX_SENTENCES = 200
SENTENCE_TEXT_CHARS = 240
SENTENCE_RULE = (
    "a sentence ends after . ! ? or … (plus closing quotes/brackets) followed by "
    "whitespace, and at every line break; each token belongs to the sentence holding "
    "its last character"
)


def _r(x: float) -> float:
    return round(float(x), 4)


def _entry(sums: np.ndarray, definition: Mapping[str, object]) -> dict[str, float]:
    ll, xent, var, n = (float(v) for v in sums)
    scores = scores_from_sums(ll, xent, var, int(n))
    entry = {"score": _r(raw_score(scores, definition))}
    entry.update({k: _r(scores[k]) for k in SCORE_NAMES})
    return entry


def build_evidence(
    text: str,
    stats: TokenStats,
    definition: Mapping[str, object],
    *,
    max_sentences: int = DEFAULT_MAX_SENTENCES,
) -> dict[str, Any]:
    n = stats.n
    last_char = np.maximum(stats.offsets[:, 1] - 1, stats.offsets[:, 0])

    # Windows: the span of text each one scored.
    n_windows = int(stats.window.max()) + 1 if n else 0
    w_sums = group_sums(stats.window, stats.ll, stats.xent, stats.var, n_windows)
    windows = []
    for w in range(n_windows):
        members = np.flatnonzero(stats.window == w)
        start, end = int(stats.offsets[members[0], 0]), int(stats.offsets[members[-1], 1])
        windows.append(
            {"start": start, "end": end, "tokens": int(w_sums[w, 3])}
            | _entry(w_sums[w], definition)
        )

    # Sentences: group tokens by the sentence that holds their last character.
    spans = split_sentences(text)
    starts = np.asarray([s for s, _ in spans], dtype=np.int64)
    sentence_of = np.clip(np.searchsorted(starts, last_char, side="right") - 1, 0, None)
    s_sums = group_sums(sentence_of, stats.ll, stats.xent, stats.var, len(spans))
    sentences: list[dict[str, Any]] = []
    for k, (start, end) in enumerate(spans):
        if s_sums[k, 3] == 0:
            continue  # e.g. a lone punctuation line whose token fell to its neighbour
        piece = text[start:end]
        if len(piece) > SENTENCE_TEXT_CHARS:
            piece = piece[: SENTENCE_TEXT_CHARS - 1] + "…"
        sentences.append(
            {"start": start, "end": end, "tokens": int(s_sums[k, 3]), "text": piece}
            | _entry(s_sums[k], definition)
        )
    total = len(sentences)
    if total > max_sentences:
        keep = sorted(sentences, key=lambda s: s["score"], reverse=True)[:max_sentences]
        sentences = sorted(keep, key=lambda s: s["start"])

    return {
        "tokens_scored": n,
        "token_means": {
            "nll": _r(-stats.ll.mean()) if n else None,
            "xent": _r(stats.xent.mean()) if n else None,
            "var": _r(stats.var.mean()) if n else None,
        },
        "windows": windows,
        "sentences": sentences,
        "sentences_total": total,
        "sentences_reported": len(sentences),
        "sentence_selection": (
            "all sentences"
            if total <= max_sentences
            else f"the {max_sentences} most AI-like sentences (highest score), in text order"
        ),
        "sentence_rule": SENTENCE_RULE,
        "sentence_scores": "each sentence's raw score from its own tokens (in their full "
        "context): the text's scale, but far noisier than the whole text's score",
        "offsets": "character offsets into the normalised text (NFC, \\n line breaks, trimmed)",
    }
