"""Held-out figures from the calibration files each detector ships (read as data: no model
is loaded, so the web process can serve them).

Which file calibrates which detector is the table below; a detector without one (video
frames, the multimodal fusion, provenance policy) reports none rather than borrowing
another's figures.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

ENGINE = Path(__file__).resolve().parent.parent / "engine"
CALIBRATION_FILES = {
    "text.ensemble": "text/calibration/fusion.json",
    "text.zero_shot": "text/calibration/zero_shot.json",
    "text.style": "text/calibration/style.json",
    "text.embedding_head": "text/calibration/embedding_head.json",
    "text.stats_head": "text/calibration/stats_head.json",
    "text.surface_head": "text/calibration/surface_head.json",
    "image.ensemble": "image/ensemble.json",
    "image.clip": "image/clip_calibration.json",
    "image.patch": "image/patch_calibration.json",
    "audio.ensemble": "audio/calibration/voice.json",
    "audio.vote": "audio/calibration/ensemble.json",
    "audio.aasist": "audio/calibration/aasist.json",
    "audio.whisper_head": "audio/calibration/whisper_head.json",
}
# Long per-threshold tables and per-item lists are left out of the API answer; the file
# (named in ``calibration_file``) has them.
MAX_LIST_ITEMS = 0


def _compact(value: Any, depth: int = 0) -> Any:
    if isinstance(value, dict):
        if depth > 3:
            return None
        out = {k: _compact(v, depth + 1) for k, v in value.items()}
        return {k: v for k, v in out.items() if v is not None}
    if isinstance(value, list):
        return None if len(value) > MAX_LIST_ITEMS else value
    return value


@cache
def figures(name: str) -> dict[str, Any] | None:
    relative = CALIBRATION_FILES.get(name)
    if relative is None:
        return None
    path = ENGINE / relative
    if not path.is_file():
        return None
    data = json.loads(path.read_text())
    provenance = data.get("provenance") or {}
    return {
        "calibration_file": f"detection/engine/{relative}",
        "holdout": _compact(data.get("holdout") or {}),
        "data": provenance.get("data") if isinstance(provenance, dict) else None,
        "date": provenance.get("date") if isinstance(provenance, dict) else None,
        "split": provenance.get("split") if isinstance(provenance, dict) else None,
        "verdict_cuts": _compact(data.get("verdict") or {}),
    }
