"""Reads for the field-accuracy page: labelled detections grouped per detector version.

A row's version is the result-cache key it was computed under
(``detection.execution.cache``: a digest of the detector's code, calibration and spec, and
the job's options); the group whose key matches the running code is marked current.
Posts are grouped under their fusion rule."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from detection.engine import registry
from detection.execution.cache import result_key

from .accuracy import Labelled, summary
from .models import HumanLabel


def _current_key(detector: str) -> str | None:
    try:
        return result_key(detector, {}) if detector in registry.all_specs() else None
    except Exception:  # a detector no longer registered: no current version to compare
        return None


def field_accuracy() -> list[dict[str, Any]]:
    groups: dict[tuple[str, str], list[Labelled]] = defaultdict(list)
    rows = HumanLabel.objects.select_related("detection", "post")
    for label in rows.iterator():
        target = label.detection or label.post
        if target is None or target.probability_ai is None:
            continue
        if label.detection is not None:
            key = (
                label.detection.detector,
                str((label.detection.results or {}).get("cache_key", "")),
            )
        else:
            rule = (label.post.evidence or {}).get("fusion", {}).get("rule", "")  # type: ignore[union-attr]
            key = ("post", rule)
        groups[key].append(
            Labelled(float(target.probability_ai), target.verdict, label.label == "ai")
        )
    out = []
    for (detector, version), items in sorted(groups.items()):
        out.append(
            {
                "detector": detector,
                "version": version[:12] or "unknown",
                "current": detector != "post" and version == _current_key(detector),
                **summary(items),
            }
        )
    return out
