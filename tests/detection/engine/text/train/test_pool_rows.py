"""Crops of a scored text reuse its cached arrays (a causal model's prefix statistics)."""

from __future__ import annotations

import numpy as np

from detection.engine.text.train.pool_rows import band_of, crop_arrays, crop_end
from detection.engine.text.train.pool_sample import cut_words, sample


def _text(sentences: int) -> str:
    return " ".join(f"Sentence number {k} has exactly seven words." for k in range(sentences))


def test_crop_ends_at_a_sentence_end_within_the_word_budget() -> None:
    text = _text(40)
    end = crop_end(text, 60)
    assert end is not None and text[:end].endswith(".")
    assert len(text[:end].split()) <= 60
    assert crop_end(_text(5), 60) is None  # too short to crop


def test_cropped_arrays_keep_only_tokens_and_sentences_inside_the_crop() -> None:
    text = _text(20)
    n = 100
    starts = np.linspace(0, len(text) - 5, n).astype(np.int64)
    lm = {
        "ll": np.arange(n, dtype=float),
        "xent": np.ones(n),
        "var": np.ones(n),
        "offsets": np.column_stack([starts, starts + 4]),
        "window": np.zeros(n, np.int64),
    }
    emb = {
        "sentence_vectors": np.ones((20, 384)),
        "sentence_start": np.arange(20, dtype=np.int64) * 48,
        "sentence_end": np.arange(1, 21, dtype=np.int64) * 48,
    }
    end = 300
    out = crop_arrays({"lm_stats": lm, "embedding": emb}, text, end)
    assert (out["lm_stats"]["offsets"][:, 1] <= end).all() and len(out["lm_stats"]["ll"]) < n
    assert (out["embedding"]["sentence_end"] <= end).all()
    assert out["surface"]["features"].shape[0] > 0


def test_sample_caps_each_cell_and_cuts_texts_near_the_training_length() -> None:
    pool = [
        {
            "id": f"{i}",
            "source": "l2r",
            "generator": "g",
            "domain": "news",
            "mode": "rewrite",
            "label": "ai",
            "words": 400,
            "text": _text(60),
            "extra": {"l2r_domain": "NewsArticle"},
        }
        for i in range(10)
    ]
    chosen = sample(pool)
    assert len(chosen) == 3
    assert all(len(r["scored_text"].split()) <= 190 for r in chosen)
    assert cut_words("short text.") == "short text."
    assert band_of(60) == "short" and band_of(120) == "medium" and band_of(400) == "long"
