"""One entry per registered detector: name, modality, whether jobs run it, version (the
digest the result cache keys on), availability (code and weights present), the models it
last ran with (as recorded in the newest completed detection of this version; a detector
that never ran here lists none) and its held-out figures."""

from __future__ import annotations

from typing import Any

from detection.engine import registry
from detection.execution.cache import result_key
from detection.models import Detection, Status

from .holdout import figures


def _last_models(name: str) -> list[dict[str, Any]]:
    # The cache key digests the detector's version (detection/cache.py): a row that an
    # older version of the detector wrote is not taken for this one.
    row = (
        Detection.objects.filter(
            detector=name, status=Status.COMPLETED, results__cache_key=result_key(name, {})
        )
        .order_by("-finished_at")
        .values_list("models_used", flat=True)
        .first()
    )
    return list(row or [])


def detectors_catalogue() -> list[dict[str, Any]]:
    entries = []
    for spec in sorted(registry.all_specs().values(), key=lambda s: s.name):
        version = registry.version_key(spec.name)
        problem = registry.probe(spec)
        entries.append(
            {
                "name": spec.name,
                "modality": spec.modality,
                "description": spec.description,
                "default": registry.is_default(spec),
                "version": version,
                "available": problem is None,
                "unavailable_reason": problem or "",
                "models": _last_models(spec.name),
                "held_out": figures(spec.name),
            }
        )
    return entries
