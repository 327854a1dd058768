"""Fit the ensemble's heads, fusion and length-band cuts on the wide pool, leaving whole
generator families, human sources and domains out.

Protocol (every figure in the report comes from texts whose family / source / domain the
scoring model never saw):

1. Leave-one-unit-out: a unit is one AI family (all its generators) or one human source.
   For each unit the three heads are fitted on every other unit and score the unit's
   texts. Those out-of-unit scores fit each member's Platt scaling, the fusion and the
   fusion's Platt scaling and cuts, and give the per-family table.
2. Leave-one-domain-out: the same, holding out every text (AI and human) of one domain;
   gives the per-domain table at the shipped cuts.
3. The shipped heads are refitted on all units. ``NEVER_TRAINED`` sources (the W&I
   learner essays) are scored by the shipped model only: the non-native FPR figure.

Cuts: per length band, ``ai_at`` is the lowest probability that flags at most ``FPR`` of
out-of-source human texts of that band, and at most ``SOURCE_FPR`` of any one human
source; ``human_below`` leaves at most ``UNCERTAIN_SHARE`` of the human texts of any
domain with enough texts (and of all human texts) in the uncertain band — an
``uncertain`` for everything helps nobody — and is never above ``ai_at``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..members.base import logit
from ..members.members import (
    EmbeddingHeadMember,
    StatsHeadMember,
    SurfaceHeadMember,
    ZeroShotMember,
)
from ..members.stats_features import FEATURE_NAMES as STATS_NAMES
from ..members.surface_features import FEATURE_NAMES as SURFACE_NAMES
from .pool_rows import NEVER_TRAINED, Row, band_of

HEADS = ("stats_head", "embedding_head", "surface_head")
MEMBERS = ("zero_shot", *HEADS)
FPR = 0.01
SOURCE_FPR = 0.02
UNCERTAIN_SHARE = 0.15
COMMON_DOMAIN = 40  # human texts a domain needs for the uncertain-share rule
HEAD_C = {"stats_head": 0.1, "embedding_head": 0.1, "surface_head": 0.1}
Log = Callable[[str], None]


@dataclass
class Design:
    """Every row's inputs: the zero-shot log-odds and each head's feature matrix."""

    rows: list[Row]
    z0: np.ndarray
    x: dict[str, np.ndarray]
    y: np.ndarray
    units: np.ndarray
    domains: np.ndarray
    bands: np.ndarray
    crops: np.ndarray
    trainable: np.ndarray
    names: dict[str, Sequence[str]] = field(default_factory=dict)


def design(rows: list[Row]) -> Design:
    zs, stats, emb, surf = (
        ZeroShotMember(),
        StatsHeadMember(),
        EmbeddingHeadMember(),
        SurfaceHeadMember(),
    )
    z0 = np.array([logit(zs.probability(r.text, r.arrays["lm_stats"])) for r in rows])
    x = {
        "stats_head": np.vstack([stats.features(r.text, r.arrays["lm_stats"]) for r in rows]),
        "embedding_head": np.vstack([emb.features(r.text, r.arrays["embedding"]) for r in rows]),
        "surface_head": np.vstack([surf.features(r.text, r.arrays["surface"]) for r in rows]),
    }
    return Design(
        rows=rows,
        z0=z0,
        x=x,
        y=np.array([r.y for r in rows]),
        units=np.array([r.unit for r in rows]),
        domains=np.array([r.record["domain"] for r in rows]),
        bands=np.array([band_of(r.words) for r in rows]),
        crops=np.array([r.crop for r in rows]),
        trainable=np.array([r.record["source"] not in NEVER_TRAINED for r in rows]),
        names={
            "stats_head": STATS_NAMES,
            "embedding_head": [f"e{i}" for i in range(384)],
            "surface_head": SURFACE_NAMES,
        },
    )


def fit_heads(d: Design, mask: np.ndarray) -> dict[str, dict[str, Any]]:
    """Logistic heads (standardised features) fitted on the rows in ``mask``."""
    from sklearn.linear_model import LogisticRegression

    heads = {}
    for name in HEADS:
        x, y = d.x[name][mask], d.y[mask]
        mu, sd = x.mean(axis=0), x.std(axis=0)
        sd[sd < 1e-9] = 1.0
        model = LogisticRegression(C=HEAD_C[name], class_weight="balanced", max_iter=3000)
        model.fit((x - mu) / sd, y)
        heads[name] = {
            "features": list(d.names[name]),
            "mean": mu.tolist(),
            "scale": sd.tolist(),
            "coef": model.coef_[0].tolist(),
            "intercept": float(model.intercept_[0]),
            "C": HEAD_C[name],
        }
    return heads


def head_raws(d: Design, heads: dict[str, dict[str, Any]], mask: np.ndarray) -> np.ndarray:
    """(n, 3) head decision values of the rows in ``mask``."""
    cols = []
    for name in HEADS:
        h = heads[name]
        z = (d.x[name][mask] - np.asarray(h["mean"])) / np.asarray(h["scale"])
        cols.append(z @ np.asarray(h["coef"]) + h["intercept"])
    return np.column_stack(cols)


def leave_out(d: Design, groups: np.ndarray, log: Log) -> tuple[np.ndarray, dict[str, Any]]:
    """Head raws of every row from heads fitted without the row's group."""
    raws = np.full((len(d.rows), len(HEADS)), np.nan)
    heads_by_group: dict[str, Any] = {}
    for g in sorted(set(groups.tolist())):
        test = groups == g
        train = d.trainable & ~test
        if d.y[train].min() == d.y[train].max():
            continue
        heads = fit_heads(d, train)
        raws[test] = head_raws(d, heads, test)
        heads_by_group[g] = heads
        log(f"    left out {g}: {int(test.sum())} rows")
    return raws, heads_by_group


def member_platt(d: Design, raws: np.ndarray) -> dict[str, tuple[float, float]]:
    from ...metrics import fit_platt

    ok = d.trainable & ~np.isnan(raws[:, 0])
    return {name: fit_platt(d.y[ok].tolist(), raws[ok, j].tolist()) for j, name in enumerate(HEADS)}


def member_z(d: Design, raws: np.ndarray, platt: dict[str, tuple[float, float]]) -> np.ndarray:
    cols = [d.z0] + [platt[n][0] * raws[:, j] + platt[n][1] for j, n in enumerate(HEADS)]
    return np.clip(np.column_stack(cols), -9.2, 9.2)  # logit of the members' probability clip


def fit_fusion(z: np.ndarray, y: np.ndarray, units: np.ndarray) -> dict[str, Any]:
    """Linear logistic fusion over member log-odds (unit-grouped CV picks C)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from ...metrics import auroc

    best: tuple[float, float] | None = None
    by_c = {}
    for c in (0.01, 0.1, 1.0):
        oof = np.zeros(len(y))
        for train, test in GroupKFold(n_splits=5).split(z, y, units):
            model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000)
            oof[test] = model.fit(z[train], y[train]).decision_function(z[test])
        score = auroc(y.tolist(), oof.tolist())
        by_c[str(c)] = round(score, 4)
        if best is None or score > best[0] + 1e-6:
            best = (score, c)
    assert best is not None
    model = LogisticRegression(C=best[1], class_weight="balanced", max_iter=3000).fit(z, y)
    return {
        "weights": {m: float(w) for m, w in zip(MEMBERS, model.coef_[0], strict=True)},
        "intercept": float(model.intercept_[0]),
        "C": best[1],
        "cv_auroc_by_C": by_c,
    }


def fused_raw(z: np.ndarray, fusion: dict[str, Any]) -> np.ndarray:
    w = np.array([fusion["weights"][m] for m in MEMBERS])
    return z @ w + fusion["intercept"]


def band_cuts(d: Design, p: np.ndarray) -> dict[str, dict[str, float]]:
    """``ai_at`` and ``human_below`` per length band (rule in the module docstring)."""
    cuts = {}
    human = d.trainable & (d.y == 0)
    for band in ("short", "medium", "long"):
        in_band = human & (d.bands == band)
        scores = np.sort(p[in_band])
        if len(scores) < 20:
            continue
        ai_at = float(np.quantile(scores, 1.0 - FPR))
        for unit in sorted(set(d.units[in_band].tolist())):
            s = p[in_band & (d.units == unit)]
            if len(s) >= 20:
                ai_at = max(ai_at, float(np.quantile(s, 1.0 - SOURCE_FPR)))
        ai_at = min(max(np.nextafter(ai_at, 1.0), 0.5), 0.999)
        # The uncertain band [human_below, ai_at) may hold at most UNCERTAIN_SHARE of the
        # human texts of any common domain (and of all of them together).
        human_below = float(np.quantile(scores, 1.0 - UNCERTAIN_SHARE))
        for dom in sorted(set(d.domains[in_band].tolist())):
            s = p[in_band & (d.domains == dom)]
            if len(s) >= COMMON_DOMAIN // 2:
                human_below = max(human_below, float(np.quantile(s, 1.0 - UNCERTAIN_SHARE)))
        human_below = min(np.nextafter(human_below, 1.0), ai_at)
        cuts[band] = {"ai_at": round(float(ai_at), 4), "human_below": round(float(human_below), 4)}
    return cuts


def verdicts(p: np.ndarray, bands: np.ndarray, cuts: dict[str, dict[str, float]]) -> np.ndarray:
    out = []
    for prob, band in zip(p, bands, strict=True):
        c = cuts.get(band) or cuts["long"]
        out.append(
            "ai" if prob >= c["ai_at"] else "human" if prob < c["human_below"] else "uncertain"
        )
    return np.asarray(out)


def group_by(keys: np.ndarray, mask: np.ndarray) -> dict[str, np.ndarray]:
    out: dict[str, list[int]] = defaultdict(list)
    for i in np.flatnonzero(mask):
        out[str(keys[i])].append(int(i))
    return {k: np.asarray(v) for k, v in out.items()}
