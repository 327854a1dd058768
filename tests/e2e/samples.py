"""Real inputs for the browser scenario, and which modalities this server can check."""

from __future__ import annotations

import csv
from pathlib import Path

from tests.conftest import SAMPLE_TEXT, SHARED

__all__ = ["SAMPLE_TEXT", "audio_sample", "image_sample", "unavailable_reason"]


def unavailable_reason(modality: str) -> str | None:
    """None when the server has a default detector for the modality whose code and weights
    are present; else why not (the test is skipped with it)."""
    from detection.engine import registry

    if modality not in registry.supported_modalities():
        return f"{modality} detection is not registered yet (registry.supported_modalities())"
    problem = registry.probe(registry.default_spec(modality))
    return f"{modality} detector cannot load here: {problem}" if problem else None


def _manifest(modality: str) -> list[dict[str, str]]:
    path = SHARED / "data" / modality / "manifest.csv"
    if not path.is_file():
        return []
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def audio_sample() -> Path | None:
    """A short synthetic speech clip (4-8 s) from the shared data, if present."""
    for row in _manifest("audio"):
        seconds = float(row.get("seconds") or 0)
        if row.get("label") == "synthetic" and 4.0 <= seconds <= 8.0:
            path = SHARED / "data" / "audio" / row["path"]
            if path.is_file():
                return path
    return None


def image_sample() -> Path | None:
    """A small AI-generated PNG from the shared data, if present."""
    for row in _manifest("image"):
        small = int(row.get("width") or 0) <= 512
        if row.get("label") == "ai" and row.get("file", "").endswith(".png") and small:
            path = SHARED / "data" / "image" / row["file"]
            if path.is_file():
                return path
    return None
