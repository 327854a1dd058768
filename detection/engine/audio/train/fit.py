"""Training the linear head of ``audio.whisper_head`` (used by ``manage.py train_audio_head``).

Rows are speech windows (the ~4 s file windows and the 2 s live windows, so one head
serves both); labels come from the clip. Each clip weighs the same whatever its number
of windows, each class weighs the same in total, and big groups (a family with 59 clips)
are damped by 1/sqrt(size) so that one family does not decide the head.

The feature set and the regularisation are chosen by leave-one-family-out
cross-validation INSIDE the train split (a held-out synthetic family against a held-out
fold of real groups); the test split is only scored once, at the end.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...errors import InputRejected
from ...metrics import auroc
from ..features import BOTH_ID, FEATURE_SETS, WindowFeatures, select
from ..head import LinearHead
from . import windowing
from .dataset import Clip

STREAM_LIMIT = 4  # 2 s windows kept per clip (evenly spread)
CACHE_KEY = "head-features-v1"
C_GRID = (0.003, 0.03, 0.3)


@dataclass
class ClipFeatures:
    clip: Clip
    whisper_file: np.ndarray
    spectral_file: np.ndarray
    whisper_stream: np.ndarray
    spectral_stream: np.ndarray

    def rows(self, feature_id: str, which: str = "both") -> np.ndarray:
        parts = []
        if which in ("both", "file"):
            parts.append(select(self.whisper_file, self.spectral_file, feature_id))
        if which in ("both", "stream"):
            parts.append(select(self.whisper_stream, self.spectral_stream, feature_id))
        return np.concatenate(parts) if parts else np.zeros((0, 0))


def extract(
    clips: Sequence[Clip], say: Callable[[str], None] = print
) -> tuple[list[ClipFeatures], list[str]]:
    """Features of every clip (cached); clips that cannot be analysed are skipped and noted."""
    cache = windowing.Cache(f"{CACHE_KEY}-s{STREAM_LIMIT}")
    features: WindowFeatures | None = None
    items: list[ClipFeatures] = []
    skipped: list[str] = []
    for i, clip in enumerate(clips):

        def compute(clip: Clip = clip) -> dict[str, np.ndarray]:
            nonlocal features
            features = features or WindowFeatures(BOTH_ID)
            windows = windowing.clip_windows(clip.path, stream_limit=STREAM_LIMIT)
            wf, sf = features.parts_of(windows.file)
            ws, ss = features.parts_of(windows.stream)
            return {"wf": wf, "sf": sf, "ws": ws, "ss": ss}

        try:
            a = cache.get(clip.sha256, compute)
        except InputRejected as exc:
            skipped.append(f"{clip.path.name}: {exc}")
            continue
        if len(a["wf"]) == 0:
            skipped.append(f"{clip.path.name}: no speech found")
            continue
        items.append(ClipFeatures(clip, a["wf"], a["sf"], a["ws"], a["ss"]))
        if (i + 1) % 25 == 0:
            say(f"  features: {i + 1}/{len(clips)} clips")
    return items, skipped


def _clip_weights(items: Sequence[ClipFeatures]) -> np.ndarray:
    sizes: dict[str, int] = defaultdict(int)
    for it in items:
        sizes[it.clip.group] += 1
    w = np.array([1.0 / np.sqrt(sizes[it.clip.group]) for it in items])
    labels = np.array([it.clip.label for it in items])
    for label in (0, 1):
        mask = labels == label
        if mask.any():
            w[mask] *= 0.5 / w[mask].sum()
    return w


def fit_head(items: Sequence[ClipFeatures], feature_id: str, c: float) -> LinearHead:
    from sklearn.linear_model import LogisticRegression

    clip_w = _clip_weights(items)
    xs, ys, ws = [], [], []
    for it, cw in zip(items, clip_w, strict=True):
        rows = it.rows(feature_id)
        xs.append(rows)
        ys.append(np.full(len(rows), it.clip.label))
        ws.append(np.full(len(rows), cw / len(rows)))
    x, y, w = np.concatenate(xs), np.concatenate(ys), np.concatenate(ws)
    mean = x.mean(axis=0)
    scale = np.maximum(x.std(axis=0), 1e-6)
    model = LogisticRegression(C=c, max_iter=5000)
    model.fit((x - mean) / scale, y, sample_weight=w * len(w))
    return LinearHead(feature_id, mean, scale, model.coef_[0].copy(), float(model.intercept_[0]))


def clip_scores(head: LinearHead, items: Sequence[ClipFeatures]) -> np.ndarray:
    """A clip's raw score as the detector computes it: the mean over its file windows."""
    return np.array([float(np.mean(head.logit(it.rows(head.feature, "file")))) for it in items])


def _real_folds(items: Sequence[ClipFeatures], k: int) -> dict[str, int]:
    groups = sorted({it.clip.group for it in items if it.clip.label == 0})
    key = lambda g: hashlib.sha256(g.encode()).hexdigest()  # noqa: E731 - stable order
    return {g: i % k for i, g in enumerate(sorted(groups, key=key))}


def family_cv(items: Sequence[ClipFeatures], feature_id: str, c: float) -> dict[str, Any]:
    """Each synthetic family held out in turn, with a held-out fold of real groups."""
    families = sorted({it.clip.family for it in items if it.clip.label == 1})
    folds = _real_folds(items, len(families))
    per_family: dict[str, float] = {}
    for k, family in enumerate(families):

        def held(it: ClipFeatures, family: str = family, k: int = k) -> bool:
            if it.clip.label == 1:
                return it.clip.family == family
            return folds[it.clip.group] == k

        train = [it for it in items if not held(it)]
        test = [it for it in items if held(it)]
        if not any(t.clip.label == 0 for t in test):
            continue
        head = fit_head(train, feature_id, c)
        scores = clip_scores(head, test)
        per_family[family] = round(auroc([t.clip.label for t in test], scores.tolist()), 4)
    values = list(per_family.values())
    return {
        "per_family_auroc": per_family,
        "mean_auroc": round(float(np.mean(values)), 4) if values else None,
        "min_auroc": round(float(np.min(values)), 4) if values else None,
    }


def choose(
    train_items: Sequence[ClipFeatures], say: Callable[[str], None] = print
) -> tuple[str, float, list[dict[str, Any]]]:
    """Pick (feature set, C) by the mean leave-one-family-out AUROC inside the train split."""
    table: list[dict[str, Any]] = []
    best: tuple[float, str, float] = (-1.0, BOTH_ID, C_GRID[0])
    for feature_id in FEATURE_SETS:
        for c in C_GRID:
            cv = family_cv(train_items, feature_id, c)
            table.append({"feature": feature_id, "C": c, **cv})
            say(f"  {feature_id} C={c}: mean AUROC {cv['mean_auroc']} (min {cv['min_auroc']})")
            if cv["mean_auroc"] is not None and cv["mean_auroc"] > best[0]:
                best = (cv["mean_auroc"], feature_id, c)
    return best[1], best[2], table


def evaluate(head: LinearHead, items: Sequence[ClipFeatures]) -> dict[str, Any]:
    """AUROC of clip scores: overall, per synthetic family and per real source."""
    labels = [it.clip.label for it in items]
    scores = clip_scores(head, items)
    out: dict[str, Any] = {"clips": len(items), "auroc": round(auroc(labels, scores.tolist()), 4)}
    real = [s for s, it in zip(scores, items, strict=True) if it.clip.label == 0]
    per_family: dict[str, float] = {}
    for family in sorted({it.clip.family for it in items if it.clip.label == 1}):
        fake = [s for s, it in zip(scores, items, strict=True) if it.clip.family == family]
        per_family[family] = round(auroc([0] * len(real) + [1] * len(fake), real + fake), 4)
    out["per_family_auroc_vs_all_real"] = per_family
    fake_all = [s for s, it in zip(scores, items, strict=True) if it.clip.label == 1]
    per_source: dict[str, float] = {}
    for source in sorted({it.clip.source for it in items if it.clip.label == 0}):
        mine = [s for s, it in zip(scores, items, strict=True) if it.clip.source == source]
        per_source[source] = round(auroc([0] * len(mine) + [1] * len(fake_all), mine + fake_all), 4)
    out["per_real_source_auroc_vs_all_synthetic"] = per_source
    return out
