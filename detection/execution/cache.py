"""Result cache: the same input analysed by the same detector version is not re-run.

The key is the input's sha256 plus a digest of the detector's version key (code,
calibration and spec, see ``registry.version_key``) and the job's options. A completed
job with the same key is copied into the new row, which is marked ``cache_hit`` in its
timings; nothing is recomputed. Changing a detector's code or calibration changes the key,
so old results stop matching without any purge.

``DETECTION_RESULT_CACHE`` sets the scope: ``owner`` (the default: only the same
account's results are reused), ``global`` (any account's) or ``off``.

A hit on another account's result is never shown as a hit: the row's timings read as a
computed result's, so the response does not say that someone else submitted the same
content. ``global`` still saves model time on popular inputs, at a cost: such an answer
comes back much sooner than a computed one, and a patient caller can time that. Choose it
only where accounts trust each other (one organisation), or the saving matters more.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings

from detection.models import Detection, Source, Status


def result_key(detector: str, options: dict[str, Any] | None) -> str:
    from detection.engine import registry

    material = json.dumps(
        [registry.version_key(detector), options or {}], sort_keys=True, default=str
    )
    return hashlib.sha256(material.encode()).hexdigest()[:40]


def find(detection: Detection, key: str) -> Detection | None:
    scope = settings.DETECTION_RESULT_CACHE
    if scope == "off" or detection.source == Source.LIVE or not detection.sha256:
        return None
    candidates = Detection.objects.filter(
        sha256=detection.sha256,
        modality=detection.modality,
        status=Status.COMPLETED,
        results__cache_key=key,
    ).exclude(pk=detection.pk)
    if scope == "owner":
        candidates = candidates.filter(owner_id=detection.owner_id)
    return candidates.order_by("-finished_at").first()
