"""The scored subset of the pool: balanced over sources, generators and domains.

Scoring every pool text with the language model would take days on a 2-core machine, so
a stable hash picks a capped number of texts per (source, generator, domain) cell. Texts
are cut at a sentence end near ``TRAIN_WORDS`` words: the language model reads the first
~256 tokens, and shorter length bands are prefixes of the same pass (``crops``).
"""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from typing import Any

TRAIN_WORDS = 190
# (source -> texts per cell); a cell is one generator x domain inside a source.
CELL_CAPS = {
    "alpaca_eval": 2,
    "l2r": 3,
    "l2r-human": 8,
    "argugpt": 10,
    "coursework": 40,
    "coursework-students": 110,
    "exam-prompts": 30,
    "fce-learners": 140,
    "wi-learners": 50,  # per CEFR level: A, B, C (+ sub-levels share the cell)
    "locness-native": 120,
    "amazon-reviews": 90,
    "reviews-chatgpt": 60,
    "fdg": 20,
    "fdg-xsum-human": 60,
    "fdg-writing-human": 60,
    "smollm2-local": 40,
}


def stable_share(value: str) -> float:
    return int(hashlib.sha256(value.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF


def cut_words(text: str, max_words: int = TRAIN_WORDS) -> str:
    """The text cut after the last sentence end before ``max_words`` words."""
    spans = list(re.finditer(r"\S+", text))
    if len(spans) <= max_words:
        return text.strip()
    cut = spans[max_words - 1].end()
    head = text[:cut]
    ends = [m.end() for m in re.finditer(r"[.!?][\"')\]]?(?=\s)", head)]
    return head[: ends[-1]].strip() if ends and ends[-1] > cut // 2 else head.strip()


def cell(record: dict[str, Any]) -> str:
    extra = record.get("extra") or {}
    level = str(extra.get("cefr", ""))[:1]
    domain = extra.get("l2r_domain") or record["domain"]  # L2R: one cell per source folder
    return f"{record['source']}|{record['generator']}|{domain}|{record['mode']}|{level}"


def sample(pool: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cells: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in pool:
        if record["source"] in CELL_CAPS and record["words"] >= 45:
            cells[cell(record)].append(record)
    chosen = []
    for _, records in sorted(cells.items()):
        cap = CELL_CAPS[records[0]["source"]]
        records.sort(key=lambda r: stable_share(r["id"]))
        for r in records[:cap]:
            chosen.append(r | {"scored_text": cut_words(r["text"])})
    return chosen
