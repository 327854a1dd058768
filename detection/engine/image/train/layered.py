"""Train the multi-layer CLIP head, the patch head and attribution; calibrate; write files.

Called by ``manage.py train_image_head``. Every figure comes from leave-one-group-out
scores (:mod:`.logo`): AI families and real sources held out whole, aligned
reconstructions travelling with their photos, ``unseen`` groups never trained on. The
feature spec and regularisation are chosen on those scores (a little selection optimism
remains, and is said so in the files).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...calibration import Calibration
from ...metrics import auroc, fit_platt, tpr_at_fpr
from ...runtime_facts import provenance_versions
from .. import canonical, heads, views
from ..clip_layers import GRAPH_ID
from .corpus_dataset import corpus_dir
from .cuts import ai_cut, human_cut
from .holdout import holdout_section
from .layer_features import FeatureSpec, FeatureTable
from .logo import Fold, out_of_fold

Report = Callable[[str], None]
PROTOCOL = (
    "leave-one-group-out: each fold holds out one AI generator family and one real source "
    "(with the aligned reconstructions made from it); heads train on the canonical and "
    "degraded views of the remaining images; 'unseen' groups (packaged photos, press "
    "portraits) are scored by the final head and never trained on; probabilities assume "
    "even prior odds"
)


PCA_DIMS = 160
PCA_ABOVE = 1024  # narrower features (one layer's 768) are fitted as they are


@dataclass(frozen=True)
class Projection:
    """Standardisation and principal axes, computed once per feature spec (no labels)."""

    mean: np.ndarray
    scale: np.ndarray
    basis: np.ndarray  # (d, k)


def projection(x: np.ndarray) -> Projection:
    """Up to 18,432 features and a few thousand rows: heads are fitted on the ``PCA_DIMS``
    leading principal components of the standardised features. The axes are computed once,
    on every trainable image's features without their labels (per-fold axes would cost a
    randomised SVD per fold on this 2-core machine); the logistic fits, which see labels,
    are strictly per fold."""
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    if x.shape[1] <= PCA_ABOVE:
        return Projection(mean, scale, np.eye(x.shape[1], dtype=np.float32))
    from sklearn.utils.extmath import randomized_svd

    _, _, vt = randomized_svd((x - mean) / scale, PCA_DIMS, n_iter=3, random_state=0)
    return Projection(mean, scale, vt.T.astype(np.float32))


def fit_head(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, c: float, proj: Projection | None = None
) -> heads.Head:
    """L2 logistic regression in the projected space, mapped back to one linear function of
    the standardised features (so it still scores single patches exactly)."""
    from sklearn.linear_model import LogisticRegression

    proj = proj or projection(x)
    z = ((x - proj.mean) / proj.scale) @ proj.basis
    model = LogisticRegression(C=c, max_iter=1000)
    model.fit(z, y, sample_weight=w)
    weights = proj.basis @ model.coef_[0]
    return heads.Head(
        proj.mean, proj.scale, weights.astype(np.float64), float(model.intercept_[0]), {}
    )


@dataclass
class Scored:
    spec: FeatureSpec
    c: float
    oof: np.ndarray  # (n, 2 views) raw held-out scores
    head: heads.Head


def score_spec(table: FeatureTable, folds: list[Fold], spec: FeatureSpec, c: float) -> Scored:
    views_ = [table.matrix(spec, 0), table.matrix(spec, 1)]
    trainable = np.array([s.role == "train" for s in table.samples])
    proj = projection(np.concatenate([v[trainable] for v in views_]))
    oof, head = out_of_fold(
        table.samples,
        views_,
        lambda x, y, w: fit_head(x, y, w, c, proj),
        lambda m, x: m.decision(x),
        folds,
    )
    return Scored(spec, c, oof, head)


def platt_even_odds(y: np.ndarray, s: np.ndarray) -> tuple[float, float]:
    a, b = fit_platt(y, s)
    # remove the labelled set's class ratio: probability_ai assumes even prior odds
    b -= float(np.log((y == 1).sum() / max(1, (y == 0).sum())))
    return a, b


def summary_figures(y: np.ndarray, s: np.ndarray, groups: np.ndarray) -> dict[str, Any]:
    ok = np.isfinite(s)
    y, s, groups = y[ok], s[ok], groups[ok]
    real = y == 0
    fams = sorted(set(groups[y == 1]))
    tpr5 = []
    for fam in fams:
        rows = groups == fam
        lab = np.r_[np.ones(rows.sum()), np.zeros(real.sum())]
        tpr5.append(tpr_at_fpr(lab, np.r_[s[rows], s[real]], 0.05))
    return {
        "auroc": round(auroc(y, s), 4),
        "tpr_at_fpr": {
            "0.01": round(tpr_at_fpr(y, s, 0.01), 4),
            "0.05": round(tpr_at_fpr(y, s, 0.05), 4),
        },
        "min_family_tpr_at_5pct": round(float(min(tpr5)), 4),
        "mean_family_tpr_at_5pct": round(float(np.mean(tpr5)), 4),
    }


def provenance_block(
    command: str, what: str, table: FeatureTable, encoder_sha: str
) -> dict[str, Any]:
    manifest = corpus_dir() / "manifest.csv"
    committed = Path(__file__).resolve().parent / "data" / "corpus_manifest.csv"
    groups: dict[str, int] = {}
    for s in table.samples:
        groups[s.group] = groups.get(s.group, 0) + 1
    return {
        "versions": provenance_versions(),
        "data": f"../shared/data/image + the fetched corpus ({corpus_dir()})",
        "manifest_sha256": hashlib.sha256(manifest.read_bytes()).hexdigest()
        if manifest.is_file()
        else "",
        "committed_manifest": str(committed.relative_to(committed.parents[5])),
        "split": PROTOCOL,
        "date": dt.datetime.now(dt.UTC).date().isoformat(),
        "command": command,
        "pipeline": canonical.PIPELINE_ID,
        "degraded_view": views.VIEW_ID,
        "graph": GRAPH_ID,
        "encoder_sha256": encoder_sha,
        "head": what,
        "images_per_group": dict(sorted(groups.items())),
    }


def write_json(path: Path, payload: dict[str, Any]) -> None:
    path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n")


def calibration_from(
    y: np.ndarray,
    raw: np.ndarray,
    groups: np.ndarray,
    trainable: np.ndarray,
    *,
    fpr_overall: float,
    fpr_source: float,
    fnr: float,
    provenance: dict[str, Any],
    extra: dict[str, Any] | None = None,
) -> tuple[Calibration, np.ndarray]:
    ok = trainable & np.isfinite(raw)
    a, b = platt_even_odds(y[ok], raw[ok])
    p = 1.0 / (1.0 + np.exp(-(a * np.nan_to_num(raw) + b)))
    real = ok & (y == 0)
    ai_at = ai_cut(p[real], groups[real], fpr_overall=fpr_overall, fpr_source=fpr_source)
    human_below = human_cut(p[ok & (y == 1)], fnr, ai_at)
    holdout = holdout_section(
        y[ok], p[ok], groups[ok], ai_at=ai_at, human_below=human_below, protocol=PROTOCOL
    )
    holdout["cut_policy"] = {
        "fpr_overall": fpr_overall,
        "fpr_per_source": fpr_source,
        "fnr_human_cut": fnr,
        "min_source_size": 20,
    }
    if extra:
        holdout.update(extra)
    raw_threshold = (np.log(ai_at / (1 - ai_at)) - b) / a
    cal = Calibration(
        method="platt",
        params={"a": a, "b": b},
        ai_at=round(ai_at, 6),
        human_below=round(human_below, 6),
        raw_threshold=float(raw_threshold),
        provenance=provenance,
        holdout=holdout,
    )
    return cal, p


def unseen_figures(
    y: np.ndarray, p: np.ndarray, groups: np.ndarray, names: list[str], cal: Calibration
) -> dict[str, Any]:
    out = {}
    for g in sorted(set(groups)):
        rows = np.where(groups == g)[0]
        out[g] = {
            "n": len(rows),
            "called_ai": int((p[rows] >= cal.ai_at).sum()),
            "uncertain": int(((p[rows] < cal.ai_at) & (p[rows] >= cal.human_below)).sum()),
            "called_human": int((p[rows] < cal.human_below).sum()),
            "flagged": [f"{names[i]} ({p[i]:.2f})" for i in rows if p[i] >= cal.ai_at],
            "label": "real" if y[rows[0]] == 0 else "ai",
        }
    return out
