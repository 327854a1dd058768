"""Turn out-of-fold scores into a calibration: Platt mapping plus verdict cuts."""

from __future__ import annotations

from typing import Any

import numpy as np

from ...calibration import Calibration
from ...metrics import fit_platt, threshold_at_fpr
from .dataset import PACKAGED_REAL
from .fit import OutOfFold


def _cut_at_fnr(ai_scores: np.ndarray, fnr: float) -> float:
    """Raw score below which at most ``fnr`` of the AI images fall."""
    ordered = np.sort(ai_scores)
    allowed = int(np.floor(fnr * len(ordered)))
    return float(ordered[allowed]) if allowed < len(ordered) else float(ordered[-1])


def calibrate(
    oof: OutOfFold,
    *,
    fpr: float,
    fnr: float,
    provenance: dict[str, Any],
    extra_holdout: dict[str, Any] | None = None,
) -> Calibration:
    """Platt scaling on held-out scores; ``ai`` at ``fpr`` false positives on real photos,
    ``human`` below the score that at most ``fnr`` of AI images fall under."""
    packaged = np.array([f == PACKAGED_REAL for f in oof.families])
    usable = ~packaged & np.isfinite(oof.scores)
    y, s = oof.labels[usable], oof.scores[usable]
    a, b = fit_platt(y, s)
    # The labelled set is ~77 % AI; remove that prior so probability_ai assumes even odds
    # (the base rate of uploads is unknown, and a real photo should not start at 0.77).
    b -= float(np.log((y == 1).sum() / max(1, (y == 0).sum())))
    raw_ai = threshold_at_fpr(y, s, fpr)
    raw_human = min(_cut_at_fnr(s[y == 1], fnr), raw_ai)
    cal = Calibration("platt", {"a": a, "b": b}, ai_at=0.5, human_below=0.5)
    ai_at = cal.probability(raw_ai)
    human_below = min(cal.probability(raw_human), ai_at)
    real_scores = s[y == 0]
    packaged_scores = oof.scores[packaged]
    holdout: dict[str, Any] = {
        "protocol": (
            "out-of-fold: each AI family scored by a head trained without that family; real "
            "photos in 5 fixed folds; photos shipped by Python packages never trained on; "
            "probabilities assume even prior odds"
        ),
        "overall": oof.overall,
        "per_family": oof.per_family,
        "target_fpr": fpr,
        "target_fnr": fnr,
        "real_photos_flagged_ai": {
            "n": len(real_scores),
            "flagged": int((real_scores >= raw_ai).sum()),
            "rate": round(float((real_scores >= raw_ai).mean()), 4),
        },
        "ai_images_flagged_ai": round(float((s[y == 1] >= raw_ai).mean()), 4),
        "packaged_real_photos_flagged_ai": {
            "n": len(packaged_scores),
            "flagged": int((packaged_scores >= raw_ai).sum()),
            "names": [
                n
                for n, v, p in zip(oof.names, oof.scores, packaged, strict=True)
                if p and v >= raw_ai
            ],
        },
    }
    if extra_holdout:
        holdout.update(extra_holdout)
    return Calibration(
        method="platt",
        params={"a": a, "b": b},
        ai_at=round(ai_at, 6),
        human_below=round(human_below, 6),
        raw_threshold=raw_ai,
        provenance=provenance,
        holdout=holdout,
    )
