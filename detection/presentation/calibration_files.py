"""The default detectors' measured accuracy, read from their calibration files.

Every figure shown to people about how often a detector is wrong comes from the held-out
block (``holdout``) its training run wrote beside it, so the words change when the
detector does. Nothing is recomputed here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

ENGINE = Path(__file__).resolve().parent.parent / "engine"


@dataclass(frozen=True)
class Source:
    detector: str
    path: Path
    noun: str  # what the held-out items were ("texts", "images", "voice clips")
    title: str
    # The per-item calibration (sentences, patches, windows), when the items' own
    # probabilities were fitted on held-out items and have cuts of their own.
    items: dict[str, Path] = field(default_factory=dict)


SOURCES: dict[str, Source] = {
    "text.ensemble": Source(
        "text.ensemble", ENGINE / "text/calibration/fusion.json", "texts", "Text"
    ),
    "image.ensemble": Source(
        "image.ensemble",
        ENGINE / "image/ensemble.json",
        "images",
        "Images",
        items={"patches": ENGINE / "image/patch_cell_calibration.json"},
    ),
    "audio.ensemble": Source(
        "audio.ensemble",
        ENGINE / "audio/calibration/voice.json",
        "voice clips",
        "Audio (voice)",
        items={"windows": ENGINE / "audio/calibration/voice.window.json"},
    ),
}


@dataclass(frozen=True)
class Facts:
    detector: str
    noun: str
    title: str
    ai_at: float | None
    human_below: float | None
    error_rates: list[dict[str, float]]
    reliability: list[dict[str, float]]
    n_ai: int | None
    n_human: int | None
    auroc: float | None
    data: str
    date: str
    item_cuts: dict[str, tuple[float, float]]


def _read(path: Path) -> dict[str, Any]:
    try:
        loaded = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _block(blob: dict[str, Any], key: str) -> dict[str, Any]:
    value = blob.get(key)
    return value if isinstance(value, dict) else {}


def _cuts(blob: dict[str, Any]) -> tuple[float | None, float | None]:
    block = _block(blob, "verdict") or blob
    ai_at, human_below = block.get("ai_at"), block.get("human_below")
    return (
        float(ai_at) if isinstance(ai_at, int | float) else None,
        float(human_below) if isinstance(human_below, int | float) else None,
    )


@lru_cache(maxsize=16)
def facts_for(detector: str) -> Facts | None:
    source = SOURCES.get(detector)
    if source is None:
        return None
    blob = _read(source.path)
    if not blob:
        return None
    holdout = _block(blob, "holdout")
    provenance = _block(blob, "provenance")
    ai_at, human_below = _cuts(blob)
    item_cuts = {}
    for kind, path in source.items.items():
        a, h = _cuts(_read(path))
        if a is not None and h is not None:
            item_cuts[kind] = (a, h)
    return Facts(
        detector=detector,
        noun=source.noun,
        title=source.title,
        ai_at=ai_at,
        human_below=human_below,
        error_rates=[r for r in holdout.get("error_rates", []) if isinstance(r, dict)],
        reliability=[r for r in holdout.get("reliability", []) if isinstance(r, dict)],
        n_ai=holdout.get("n_ai"),
        n_human=holdout.get("n_human"),
        auroc=holdout.get("auroc"),
        data=str(provenance.get("data") or provenance.get("dataset") or ""),
        date=str(provenance.get("date") or ""),
        item_cuts=item_cuts,
    )


def human_flagged_at(facts: Facts, probability: float) -> float | None:
    """Share of held-out human items scoring at least this high (the nearest measured cut
    at or below the score, so the figure never flatters the detector)."""
    below = [r for r in facts.error_rates if float(r.get("probability", 2)) <= probability]
    if not below:
        return None
    return float(max(below, key=lambda r: float(r["probability"]))["human_flagged"])


def ai_missed_at(facts: Facts, probability: float) -> float | None:
    """Share of held-out AI items scoring this low or lower (nearest cut at or above)."""
    above = [r for r in facts.error_rates if float(r.get("probability", -1)) >= probability]
    if not above:
        return None
    return float(min(above, key=lambda r: float(r["probability"]))["ai_missed"])


def default_detectors() -> list[Facts]:
    return [f for name in SOURCES if (f := facts_for(name)) is not None]
