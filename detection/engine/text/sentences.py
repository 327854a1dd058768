"""A simple, predictable sentence splitter for evidence (stdlib only).

Rule: a sentence ends after '.', '!', '?' or '…' (with any closing quotes or brackets
right after it) when whitespace follows, and at every line break. Surrounding
whitespace is not part of a sentence; empty pieces are dropped. Abbreviations such as
"Mr. Smith" therefore split in two: the evidence is a reading aid, and a rule a person
can predict beats a clever one they cannot.
"""

from __future__ import annotations

import re

# Group 1 is the whitespace that separates two sentences; closers stay with the first.
_BOUNDARY = re.compile(r"[.!?\u2026][\"'\u201d\u2019)\]]*(\s+)|(\n+)")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of the sentences of ``text``, in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for match in _BOUNDARY.finditer(text):
        gap = 1 if match.group(1) is not None else 2
        _add(text, pos, match.start(gap), spans)
        pos = match.end()
    _add(text, pos, len(text), spans)
    return spans


def _add(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        lead = len(piece) - len(piece.lstrip())
        spans.append((start + lead, start + lead + len(stripped)))
