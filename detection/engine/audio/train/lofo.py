"""Leave-one-family-out evaluation of the audio members and their fusion on the pool.

Splits (see :func:`real_split`): real speech is divided once, by source and speaker, into
a training side, a calibration side (speakers never trained on) and a test side (the
sources in :data:`pool_sources.HELD_OUT_REAL_SOURCES`, never trained or calibrated on).
For each synthetic family F, every head is trained on the other families and the
training real speech, then scores F and the calibration and test real speech: F is a
family the model never saw, and the real speech comes from speakers and sources it never
saw.

Fusion is learned the same way, one level down: its weights for fold F come from
member scores that were themselves out-of-family (inner folds over the remaining
families), so no score it learns from was made by a model that saw the family it
weights.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from .pool_build import PoolClip
from .pool_sources import HELD_OUT_REAL_SOURCES

REAL_CAL_SHARE = 0.4
_SPEAKER = (re.compile(r"(p\d{3})"), re.compile(r"(?:^|/)(\d{2,5})_\d+"))


def speaker_of(clip: PoolClip) -> str:
    base = clip.path_in_repo.rsplit("/", 1)[-1]
    for pattern in _SPEAKER:
        m = pattern.search(base)
        if m:
            return m.group(1)
    return clip.clip_id  # unknown speaker: the clip is its own group


def real_split(clip: PoolClip) -> str:
    """Where a real clip goes: "test" (whole held-out sources: reported, never fitted on),
    "cal" (speakers never trained on: calibration and thresholds) or "train" (heads)."""
    if clip.source in HELD_OUT_REAL_SOURCES:
        return "test"
    key = f"{clip.source}:{speaker_of(clip)}"
    bucket = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "cal" if bucket < REAL_CAL_SHARE else "train"


@dataclass
class Item:
    """One scored recording: a clip's clean or augmented copy, with its window features."""

    key: str
    clip: PoolClip
    variant: str
    label: int  # 1 synthetic, 0 real
    group: str  # family (synthetic) or source (real)
    feats: dict[str, np.ndarray] = field(default_factory=dict)


def roc_figures(
    pos: np.ndarray, neg: np.ndarray, w_neg: np.ndarray | None = None
) -> dict[str, float]:
    """AUROC, EER and TPR at 1 % / 5 % FPR (higher score = synthetic)."""
    pos = np.asarray(pos, dtype=float)
    neg = np.asarray(neg, dtype=float)
    wn = np.ones(len(neg)) if w_neg is None else np.asarray(w_neg, dtype=float)
    if len(pos) == 0 or len(neg) == 0:
        return {}
    order = np.argsort(neg)
    neg_sorted, wn_sorted = neg[order], wn[order]
    cum = np.cumsum(wn_sorted[::-1])[::-1] / wn.sum()  # share of negatives >= each value

    def fpr_at(t: float) -> float:
        i = int(np.searchsorted(neg_sorted, t, side="left"))
        return float(cum[i]) if i < len(cum) else 0.0

    # AUROC by the rank statistic (weighted on the negative side).
    less = np.array([wn_sorted[: np.searchsorted(neg_sorted, p, side="left")].sum() for p in pos])
    ties = np.array(
        [
            wn_sorted[
                np.searchsorted(neg_sorted, p, side="left") : np.searchsorted(
                    neg_sorted, p, side="right"
                )
            ].sum()
            for p in pos
        ]
    )
    auroc = float(np.mean((less + 0.5 * ties) / wn.sum()))
    thresholds = np.unique(np.concatenate([pos, neg]))
    best = (2.0, 0.0)
    tpr_at: dict[float, float] = {0.01: 0.0, 0.05: 0.0}
    for t in thresholds:
        fpr = fpr_at(t)
        tpr = float(np.mean(pos >= t))
        if abs(fpr - (1 - tpr)) < best[0]:
            best = (abs(fpr - (1 - tpr)), (fpr + 1 - tpr) / 2)
        for cap in tpr_at:
            if fpr <= cap:
                tpr_at[cap] = max(tpr_at[cap], tpr)
    return {
        "auroc": round(auroc, 4),
        "eer": round(best[1], 4),
        "tpr_at_fpr_0.01": round(tpr_at[0.01], 4),
        "tpr_at_fpr_0.05": round(tpr_at[0.05], 4),
        "n_pos": len(pos),
        "n_neg": len(neg),
    }


def family_weights(items: Sequence[Item]) -> np.ndarray:
    """Each synthetic family and each real source carries equal total weight within its
    class, and both classes carry equal weight: a big family cannot drown a small one."""
    groups: dict[tuple[int, str], int] = {}
    for it in items:
        groups[(it.label, it.group)] = groups.get((it.label, it.group), 0) + 1
    n_groups = {lab: sum(1 for (lb, _g) in groups if lb == lab) for lab in (0, 1)}
    return np.array(
        [1.0 / (groups[(it.label, it.group)] * max(n_groups[it.label], 1)) for it in items]
    )


ScoreFn = Callable[[Sequence[Item], Sequence[Item]], tuple[np.ndarray, list[np.ndarray]]]
