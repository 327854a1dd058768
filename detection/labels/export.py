"""Write labelled detections in the layouts the calibration and evaluation commands read:

- ``text/labels.jsonl``: one ``{"text", "label"}`` object per line (1 = AI, 0 = human), as
  ``manage.py evaluate_text <folder>`` and the text trainers' labelled-file reader take;
- ``image/manifest.csv`` + ``image/files/``: the shared image manifest's columns
  (``label`` ai/real, ``generator``, ``source_repo``, ``file``, ...), as
  ``train_image_head`` / ``image.train.dataset.load_manifest`` read;
- ``audio/manifest.csv`` + ``audio/files/``: the shared audio manifest's columns
  (``label`` synthetic/real, ``generator_family``, ``path``, ...), as ``calibrate_audio
  --data`` reads (a family it does not know lands in its test split);
- ``provenance.json``: when, from which database, how many labels of each kind, so a
  recalibration run on this folder records where its data came from.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

from django.db import connection

from .models import HumanLabel

IMAGE_COLUMNS = [
    "label", "generator", "source_repo", "path_in_repo", "licence", "width", "height",
    "sha256", "file",
]  # fmt: skip
AUDIO_COLUMNS = [
    "label", "generator", "source", "path_in_source", "licence", "seconds", "sha256", "path",
    "generator_family", "note",
]  # fmt: skip
SOURCE = "field-labels"


def _copy(detection: Any, folder: Path) -> str:
    suffix = Path(detection.original_name).suffix.lower()[:8]
    name = f"{detection.pk}{suffix}"
    (folder / "files").mkdir(parents=True, exist_ok=True)
    with detection.input_file.open("rb") as src, (folder / "files" / name).open("wb") as dst:
        shutil.copyfileobj(src, dst)
    return f"files/{name}"


def export_labels(out: Path) -> dict[str, int]:
    out.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    texts: list[dict[str, Any]] = []
    images: list[dict[str, Any]] = []
    audio: list[dict[str, Any]] = []
    labels = HumanLabel.objects.filter(detection__isnull=False).select_related("detection")
    for label in labels.order_by("created_at"):
        d = label.detection
        assert d is not None
        is_ai = label.label == "ai"
        counts[f"{d.modality}:{label.label}"] = counts.get(f"{d.modality}:{label.label}", 0) + 1
        if d.modality == "text":
            texts.append(
                {"text": d.input_text, "label": int(is_ai), "source": SOURCE, "id": str(d.pk)}
            )
        elif d.modality == "image" and d.input_file:
            images.append(
                {
                    "label": "ai" if is_ai else "real",
                    "generator": "unknown (field label)" if is_ai else "",
                    "source_repo": SOURCE,
                    "path_in_repo": str(d.pk),
                    "licence": "user upload (owner's label)",
                    "width": d.input_meta.get("width", ""),
                    "height": d.input_meta.get("height", ""),
                    "sha256": d.sha256,
                    "file": _copy(d, out / "image"),
                }
            )
        elif d.modality == "audio" and d.input_file:
            audio.append(
                {
                    "label": "synthetic" if is_ai else "real",
                    "generator": "unknown (field label)" if is_ai else "",
                    "source": SOURCE,
                    "path_in_source": str(d.pk),
                    "licence": "user upload (owner's label)",
                    "seconds": d.input_meta.get("duration_s", ""),
                    "sha256": d.sha256,
                    "path": _copy(d, out / "audio"),
                    "generator_family": "field" if is_ai else "",
                    "note": label.note[:200],
                }
            )
    if texts:
        (out / "text").mkdir(exist_ok=True)
        with (out / "text" / "labels.jsonl").open("w") as fh:
            for row in texts:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    for folder, columns, rows in (
        ("image", IMAGE_COLUMNS, images),
        ("audio", AUDIO_COLUMNS, audio),
    ):
        if rows:
            with (out / folder / "manifest.csv").open("w", newline="") as fh:
                writer = csv.DictWriter(fh, fieldnames=columns)
                writer.writeheader()
                writer.writerows(rows)
    provenance = {
        "data": "human labels given by owners on their own detections",
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "database": connection.settings_dict.get("NAME") and str(connection.settings_dict["NAME"]),
        "counts": counts,
        "command": "manage.py export_labels",
    }
    (out / "provenance.json").write_text(json.dumps(provenance, indent=2, sort_keys=True))
    return counts
