"""Per-sentence probabilities on the verdict's scale (shared contract 1).

A sentence's fused raw score is the document fusion applied to the members' sentence
scores (a member without one contributes its document log-odds). Short sentences carry
little evidence, so a Platt mapping is fitted per sentence-length band on out-of-unit
sentences (each scored by heads that never saw its family or source), with every
sentence labelled as its text. Short sentences come out near the uncertain middle.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...metrics import fit_platt
from ..members.base import logit
from ..members.linear import head_raw
from ..members.members import ZeroShotMember
from ..sentences import split_sentences
from .pool_rows import Row

SENTENCE_BANDS = (0, 8, 16, 26)  # minimum words of each band


def overlap_mean(start: int, end: int, spans: np.ndarray, values: np.ndarray) -> float | None:
    if len(values) == 0:
        return None
    lo = np.maximum(spans[:, 0], start)
    hi = np.minimum(spans[:, 1], end)
    w = np.clip(hi - lo, 0, None).astype(float)
    return float((w * values).sum() / w.sum()) if w.sum() > 0 else None


def sentence_inputs(
    row: Row, heads: dict[str, dict[str, Any]]
) -> list[tuple[int, float | None, float | None, float | None]]:
    """Per sentence: (words, zero-shot log-odds, embedding raw, surface raw)."""
    zs = ZeroShotMember().output(row.text, row.arrays["lm_stats"])
    z_spans = np.array([[s.start, s.end] for s in zs.sentences]).reshape(-1, 2)
    z_vals = np.array([logit(s.probability_ai) for s in zs.sentences])
    emb = row.arrays["embedding"]
    e_spans = np.column_stack([emb["sentence_start"], emb["sentence_end"]])
    e_vals = (
        head_raw(heads["embedding_head"], emb["sentence_vectors"]) if len(e_spans) else np.zeros(0)
    )
    sur = row.arrays["surface"]
    s_spans = np.column_stack([sur["sentence_start"], sur["sentence_end"]])
    s_vals = (
        head_raw(heads["surface_head"], sur["sentence_features"]) if len(s_spans) else np.zeros(0)
    )
    out = []
    for start, end in split_sentences(row.text)[:200]:
        out.append(
            (
                len(row.text[start:end].split()),
                overlap_mean(start, end, z_spans, z_vals),
                overlap_mean(start, end, e_spans, np.asarray(e_vals)),
                overlap_mean(start, end, s_spans, np.asarray(s_vals)),
            )
        )
    return out


def sentence_band(words: int) -> int:
    band = SENTENCE_BANDS[0]
    for lo in SENTENCE_BANDS:
        if words >= lo:
            band = lo
    return band


def fit_sentence_calibration(
    items: list[tuple[int, int, float]],
) -> list[dict[str, float]]:
    """(label, words, fused raw) triples -> one Platt mapping per length band."""
    out = []
    for lo in SENTENCE_BANDS:
        chosen = [(y, r) for y, w, r in items if sentence_band(w) == lo]
        if len(chosen) < 50:
            continue
        y = [c[0] for c in chosen]
        a, b = fit_platt(y, [c[1] for c in chosen])
        out.append({"min_words": lo, "a": round(a, 6), "b": round(b, 6), "n": len(chosen)})
    return out
