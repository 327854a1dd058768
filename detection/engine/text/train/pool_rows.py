"""Scored pool texts as rows of cached extractor arrays, with shorter crops of each.

A causal language model's statistics for the first k tokens of a text are the first k
of the whole text's, so a 60- or 120-word crop needs no second model pass: its token
rows, its sentence embeddings and its surface features are cut from the cached arrays.
Crops give every length band its own calibration data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..members.extractors import Arrays, FeatureCache, SurfaceExtractor

CROP_WORDS = (60, 120)  # plus the whole scored text (up to ~190 words)
NEVER_TRAINED = ("wi-learners",)  # the non-native source kept for the FPR figure


@dataclass
class Row:
    record: dict[str, Any]
    text: str
    arrays: dict[str, Arrays]
    crop: int  # 0 = the whole scored text, else the crop's word budget

    @property
    def y(self) -> int:
        return 1 if self.record["label"] == "ai" else 0

    @property
    def unit(self) -> str:
        """The leave-out unit: an AI family, or a human source."""
        r = self.record
        return f"ai:{r['family']}" if r["label"] == "ai" else f"human:{r['source']}"

    @property
    def words(self) -> int:
        return len(self.text.split())


def crop_end(text: str, max_words: int) -> int | None:
    """Character end of the last sentence that ends before ``max_words`` words."""
    spans = list(re.finditer(r"\S+", text))
    if len(spans) < max_words + 20:
        return None
    cut = spans[max_words - 1].end()
    ends = [m.end() for m in re.finditer(r"[.!?][\"')\]]?(?=\s)", text[:cut])]
    return ends[-1] if ends and ends[-1] > cut // 2 else cut


def crop_arrays(arrays: dict[str, Arrays], text: str, end: int) -> dict[str, Arrays]:
    out: dict[str, Arrays] = {}
    lm = arrays.get("lm_stats")
    if lm is not None:
        keep = lm["offsets"][:, 1] <= end
        out["lm_stats"] = {k: v[keep] for k, v in lm.items()}
    emb = arrays.get("embedding")
    if emb is not None:
        keep = emb["sentence_end"] <= end
        keep[0] = True
        out["embedding"] = {k: v[keep] for k, v in emb.items()}
    out["surface"] = SurfaceExtractor().extract([text[:end]])[0]
    return out


def load_rows(records: list[dict[str, Any]], extractors: dict[str, str]) -> list[Row]:
    """Rows for every record whose arrays are all cached (``extractors``: name -> version)."""
    caches = {name: FeatureCache(name, version) for name, version in extractors.items()}
    surface = SurfaceExtractor()
    rows: list[Row] = []
    for record in records:
        text = record["scored_text"]
        arrays: dict[str, Arrays] = {}
        for name, cache in caches.items():
            found = cache.get(text)
            if found is None:
                break
            arrays[name] = found
        else:
            arrays["surface"] = surface.extract([text])[0]
            if len(arrays.get("lm_stats", {}).get("ll", [])) < 16:
                continue
            rows.append(Row(record, text, arrays, 0))
            for words in CROP_WORDS:
                end = crop_end(text, words)
                if end is not None:
                    rows.append(Row(record, text[:end], crop_arrays(arrays, text, end), words))
    return rows


def scored_records(pool_dir: Path) -> list[dict[str, Any]]:
    from .pool_features import load_scored

    return load_scored(pool_dir)


def band_of(words: int) -> str:
    """Length bands of the verdict cuts (words of the text the member scored)."""
    if words < 90:
        return "short"
    if words < 150:
        return "medium"
    return "long"


def as_matrix(values: list[np.ndarray]) -> np.ndarray:
    return np.vstack([np.atleast_2d(v) for v in values])
