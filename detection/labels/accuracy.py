"""Field accuracy from labelled detections, per detector version (plain Python).

- AUROC: the chance a random AI-labelled item scored above a random human-labelled one
  (Mann-Whitney, ties count half); None until both labels are present.
- False-positive rate at the shipped thresholds: the share of human-labelled items whose
  stored verdict is ``ai`` (each verdict was made at its detector's shipped cut); the
  ``uncertain`` share is given beside it, since an abstention is not an error.
- Reliability: items binned by predicted probability; per bin the mean prediction and the
  share labelled AI. A calibrated detector's points lie on the diagonal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

BINS = 10


@dataclass(frozen=True)
class Labelled:
    probability_ai: float
    verdict: str
    is_ai: bool


def auroc(items: Sequence[Labelled]) -> float | None:
    ai = sorted(i.probability_ai for i in items if i.is_ai)
    human = [i.probability_ai for i in items if not i.is_ai]
    if not ai or not human:
        return None
    wins = 0.0
    for h in human:
        # count AI scores above h, and ties, by bisection over the sorted AI scores
        lo = _bisect(ai, h, strict=False)
        hi = _bisect(ai, h, strict=True)
        wins += (len(ai) - hi) + 0.5 * (hi - lo)
    return wins / (len(ai) * len(human))


def _bisect(values: list[float], x: float, *, strict: bool) -> int:
    lo, hi = 0, len(values)
    while lo < hi:
        mid = (lo + hi) // 2
        if values[mid] < x or (strict and values[mid] == x):
            lo = mid + 1
        else:
            hi = mid
    return lo


def reliability(items: Sequence[Labelled], bins: int = BINS) -> list[dict[str, Any]]:
    out = []
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = [
            i
            for i in items
            if lo <= i.probability_ai < hi or (b == bins - 1 and i.probability_ai == 1.0)
        ]
        if inside:
            out.append(
                {
                    "bin": [lo, hi],
                    "count": len(inside),
                    "mean_predicted": sum(i.probability_ai for i in inside) / len(inside),
                    "fraction_ai": sum(i.is_ai for i in inside) / len(inside),
                }
            )
    return out


def summary(items: Sequence[Labelled]) -> dict[str, Any]:
    human = [i for i in items if not i.is_ai]
    ai = [i for i in items if i.is_ai]
    return {
        "n": len(items),
        "n_ai": len(ai),
        "n_human": len(human),
        "auroc": auroc(items),
        "fpr": sum(i.verdict == "ai" for i in human) / len(human) if human else None,
        "human_uncertain": sum(i.verdict == "uncertain" for i in human) / len(human)
        if human
        else None,
        "tpr": sum(i.verdict == "ai" for i in ai) / len(ai) if ai else None,
        "reliability": reliability(items),
    }
