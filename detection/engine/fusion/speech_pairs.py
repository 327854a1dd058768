"""Labelled speech/text pairs from the shared audio data: clips whose manifest note gives
the sentence spoken (``text=...``). Used by the speech-against-caption test and bench."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

_TEXT = re.compile(r"text=(.+?)(?:;\s*matches=|$)")


@dataclass(frozen=True)
class SpokenClip:
    path: Path
    text: str
    label: str  # real | synthetic


def spoken_clips(root: Path) -> list[SpokenClip]:
    """One clip per distinct sentence (the first in manifest order)."""
    manifest = root / "manifest.csv"
    if not manifest.is_file():
        return []
    clips, seen = [], set()
    with manifest.open(newline="") as fh:
        for row in csv.DictReader(fh):
            found = _TEXT.search(row.get("note") or "")
            if not found:
                continue
            text = found.group(1).strip().strip('"')
            path = root / row["path"]
            if text in seen or not path.is_file():
                continue
            seen.add(text)
            clips.append(SpokenClip(path, text, row["label"]))
    return clips
