"""Run leave-one-family-out over the pool: per-family figures for members and fusion.

``evaluate(items)`` returns, for files and for 2 s live windows, each member's and the
fusion's figures per held-out family (AUROC, EER, TPR at 1 % / 5 % FPR against real
speech from speakers and sources never trained on) and pooled over families, plus the
out-of-family scores themselves (which the calibration is then fitted on).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from . import heads_fit
from .lofo import Item, real_split, roc_figures
from .pool_build import read_manifest
from .pool_features import load

# Members scored per file. "head" members are linear heads on a cached feature; a
# "zero-shot" member is the published network's own score (spoof - bona fide logit).
FILE_MEMBERS: dict[str, tuple[str, str]] = {
    "whisper": ("head", "file_whisper"),
    "spectral": ("head", "file_spectral"),
    "families": ("multiclass", "file_whisper+file_spectral"),
    "aasist": ("head", "cnn_aasist"),
    "aasist_l": ("head", "cnn_aasist_l"),
    "rawgat": ("head", "cnn_rawgat"),
    "aasist_zs": ("zeroshot", "zs_aasist"),
    "rawgat_zs": ("zeroshot", "zs_rawgat"),
}
LIVE_FEATURE = "live_whisper_spectral"
# Regularisation per feature, chosen by leave-one-family-out on half of the families
# (those whose name hashes even), before the full evaluation: AUROC changed by < 0.02
# across C = 0.005-1 for the Whisper head; the spectral head preferred the smallest C.
C_BY_FEATURE = {"file_whisper": 0.05, "file_spectral": 0.005}
INNER_FOLDS = 3


def load_items(pool: Path, features: Path) -> list[Item]:
    clips = {c.clip_id: c for c in read_manifest(pool / "manifest.csv")}
    whisper = load(features, "whisper")
    cnn = load(features, "cnn")
    items: list[Item] = []
    for key, feats in whisper.items():
        clip_id, variant = key.split(":")
        clip = clips.get(clip_id)
        if clip is None or len(feats["file_whisper"]) == 0:
            continue
        f: dict[str, np.ndarray] = {
            "file_whisper": feats["file_whisper"],
            "file_spectral": feats["file_spectral"],
            "file_whisper+file_spectral": np.concatenate(
                [feats["file_whisper"], feats["file_spectral"]], axis=1
            ),
        }
        if len(feats["live_whisper"]):
            f[LIVE_FEATURE] = np.concatenate([feats["live_whisper"], feats["live_spectral"]], 1)
        c = cnn.get(key)
        if c is not None:
            for name in ("aasist", "aasist_l", "rawgat"):
                vector = c[f"cnn_{name}"]
                f[f"cnn_{name}"] = vector[None]
                # The networks' own score: spoof logit minus bona fide logit (last two).
                f[f"zs_{name}"] = np.array([vector[-2] - vector[-1]])
        synthetic = clip.label == "synthetic"
        items.append(
            Item(
                key=key,
                clip=clip,
                variant=variant,
                label=int(synthetic),
                group=clip.family if synthetic else clip.source,
                feats=f,
            )
        )
    return items


def _mean_rows(items: Sequence[Item], feature: str) -> list[Item]:
    """Items whose ``feature`` is the mean of their windows (file heads train on these)."""
    out = []
    for it in items:
        x = np.atleast_2d(it.feats[feature])
        out.append(
            Item(it.key, it.clip, it.variant, it.label, it.group, {feature: x.mean(0)[None]})
        )
    return out


def member_scores_and_heads(
    members: Sequence[str], train: Sequence[Item], test: Sequence[Item], c: float
) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
    out: dict[str, np.ndarray] = {}
    heads: dict[str, Any] = {}
    for name in members:
        kind, feature = FILE_MEMBERS[name]
        if kind == "zeroshot":
            out[name] = np.array([float(it.feats[feature][0]) for it in test])
            continue
        if kind == "multiclass":
            family_head = heads_fit.fit_family_head(train, feature, c)
            heads[name] = family_head
            out[name] = heads_fit.file_scores(family_head, test, feature)
            continue
        head = heads_fit.fit_head(_mean_rows(train, feature), feature, C_BY_FEATURE.get(feature, c))
        heads[name] = head
        out[name] = heads_fit.file_scores(head, test, feature)
    return out, heads


def member_scores(
    members: Sequence[str], train: Sequence[Item], test: Sequence[Item], c: float
) -> dict[str, np.ndarray]:
    return member_scores_and_heads(members, train, test, c)[0]


def _bucket(text: str, n: int) -> int:
    return int(hashlib.sha256(text.encode()).hexdigest()[:8], 16) % n


def fit_fusion(train: Sequence[Item], members: Sequence[str], c: float) -> tuple[np.ndarray, float]:
    """Fusion weights learned on out-of-family member scores of the training items."""
    from sklearn.linear_model import LogisticRegression

    fams = sorted({it.group for it in train if it.label == 1})
    oof = np.zeros((len(train), len(members)))
    scored = np.zeros(len(train), dtype=bool)
    for k in range(INNER_FOLDS):
        held_fams = {f for f in fams if _bucket(f, INNER_FOLDS) == k}
        held = [
            i
            for i, it in enumerate(train)
            if (it.label == 1 and it.group in held_fams)
            or (it.label == 0 and _bucket(it.clip.clip_id, INNER_FOLDS) == k)
        ]
        held_set = set(held)
        inner_train = [it for i, it in enumerate(train) if i not in held_set]
        if not held or len({it.label for it in inner_train}) < 2:
            continue  # too few families to hold this bucket out
        scores = member_scores(members, inner_train, [train[i] for i in held], c)
        for j, name in enumerate(members):
            oof[held, j] = scores[name]
        scored[held] = True
    kept = [it for it, ok in zip(train, scored, strict=True) if ok]
    w = heads_fit.family_weights(kept)
    y = np.array([it.label for it in kept])
    oof = oof[scored]
    model = LogisticRegression(C=1.0, max_iter=2000)
    model.fit(oof, y, sample_weight=w * len(w) / w.sum())
    return model.coef_[0], float(model.intercept_[0])


@dataclass
class FoldResult:
    family: str
    test: list[Item]
    file_scores: dict[str, np.ndarray]
    live_scores: list[np.ndarray]
    window_scores: list[np.ndarray]  # fused score of each file window (timeline)
    fusion: tuple[np.ndarray, float] | None = None


def run_fold(
    items: Sequence[Item],
    family: str,
    members: Sequence[str],
    c: float,
    fusion: bool,
    live: bool = True,
) -> FoldResult:
    train = [
        it
        for it in items
        if (it.label == 1 and it.group != family)
        or (it.label == 0 and real_split(it.clip) == "train")
    ]
    test = [
        it
        for it in items
        if (it.label == 1 and it.group == family)
        or (it.label == 0 and real_split(it.clip) != "train")
    ]
    scores, heads = member_scores_and_heads(members, train, test, c)
    windows: list[np.ndarray] = []
    fused: tuple[np.ndarray, float] | None = None
    if fusion and len(members) > 1:
        coef, intercept = fit_fusion(train, members, c)
        fused = (coef, intercept)
        stacked = np.stack([scores[m] for m in members], axis=1)
        scores["fusion"] = stacked @ coef + intercept
        windows = window_fused(test, members, heads, scores, coef, intercept)
    elif fusion:  # one member: its own score is the fused one
        fused = (np.ones(1), 0.0)
        scores["fusion"] = scores[members[0]]
        windows = window_fused(test, members, heads, scores, np.ones(1), 0.0)
    live_scores: list[np.ndarray] = []
    if live:
        live_train = [it for it in train if LIVE_FEATURE in it.feats]
        live_head = heads_fit.fit_head(_subsample_windows(live_train, 2), LIVE_FEATURE, c)
        live_scores = [
            live_head.logit(it.feats[LIVE_FEATURE]) if LIVE_FEATURE in it.feats else np.zeros(0)
            for it in test
        ]
    return FoldResult(family, test, scores, live_scores, windows, fused)


def window_fused(
    test: Sequence[Item],
    members: Sequence[str],
    heads: dict[str, Any],
    scores: dict[str, np.ndarray],
    coef: np.ndarray,
    intercept: float,
) -> list[np.ndarray]:
    """Per file window: the fusion applied to that window's head logits, with members
    scored once per recording (the CNNs read one window) entering at their file score."""
    out = []
    for i, it in enumerate(test):
        n = len(it.feats["file_whisper"])
        total = np.full(n, intercept, dtype=float)
        for j, name in enumerate(members):
            kind, feature = FILE_MEMBERS[name]
            per_window = kind in ("head", "multiclass") and feature.startswith("file_")
            value = (
                heads[name].logit(np.atleast_2d(it.feats[feature]))
                if per_window
                else scores[name][i]
            )
            total = total + coef[j] * value
        out.append(total)
    return out


def _subsample_windows(items: Sequence[Item], k: int) -> list[Item]:
    out = []
    for it in items:
        x = it.feats[LIVE_FEATURE]
        idx = np.linspace(0, len(x) - 1, min(k, len(x))).round().astype(int)
        out.append(Item(it.key, it.clip, it.variant, it.label, it.group, {LIVE_FEATURE: x[idx]}))
    return out


def figures(folds: Sequence[FoldResult], member: str) -> dict[str, Any]:
    per_family: dict[str, Any] = {}
    pooled_pos, pooled_neg, pooled_w = [], [], []
    for fold in folds:
        y = np.array([it.label for it in fold.test])
        s = fold.file_scores[member]
        per_family[fold.family] = roc_figures(s[y == 1], s[y == 0])
        pooled_pos.append(s[y == 1])
        pooled_neg.append(s[y == 0])
        pooled_w.append(np.full((y == 0).sum(), 1.0 / len(folds)))
    pooled = roc_figures(
        np.concatenate(pooled_pos), np.concatenate(pooled_neg), np.concatenate(pooled_w)
    )
    return {"pooled": pooled, "families": per_family}


def live_figures(folds: Sequence[FoldResult]) -> dict[str, Any]:
    per_family: dict[str, Any] = {}
    pp, pn, pw = [], [], []
    for fold in folds:
        pos = [s for it, s in zip(fold.test, fold.live_scores, strict=True) if it.label == 1]
        neg = [s for it, s in zip(fold.test, fold.live_scores, strict=True) if it.label == 0]
        pos_a = np.concatenate(pos) if pos else np.zeros(0)
        neg_a = np.concatenate(neg) if neg else np.zeros(0)
        per_family[fold.family] = roc_figures(pos_a, neg_a)
        pp.append(pos_a)
        pn.append(neg_a)
        pw.append(np.full(len(neg_a), 1.0 / len(folds)))
    return {
        "pooled": roc_figures(np.concatenate(pp), np.concatenate(pn), np.concatenate(pw)),
        "families": per_family,
    }
