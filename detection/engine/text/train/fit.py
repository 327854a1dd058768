"""Training the ensemble's members and its learned fusion (numpy + scikit-learn, no Django).

``manage.py train_text_members`` and ``manage.py train_text_fusion`` are thin wrappers:

1. ``dataset.build()`` lists the labelled texts with their split; only ``holdout=False``
   items are fitted on.
2. Each extractor runs once per text; its arrays are cached under
   ``weights.cache_dir()/text/ensemble`` so later steps cost seconds.
3. Members: the style member gets Platt scaling of the package's log-odds; the two heads
   are logistic regressions whose strength is picked by grouped 5-fold CV and whose Platt
   scaling is fitted on their out-of-fold scores. The zero-shot member keeps the zero-shot
   detector's own calibration. Verdict cuts follow the zero-shot rule: ``ai_at`` flags at
   most ``fpr`` of the training humans, ``human_below`` lets at most 5 % of training AI
   texts through, both on out-of-fold scores.
4. Fusion: logistic regression over the members' out-of-fold log-odds (so it never sees
   a head's in-sample score), with its own cuts by the same rule.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ...calibration import Calibration
from ...metrics import fit_platt, threshold_at_fpr
from ...weights import cache_dir
from ..members.base import calibration_path, logit
from ..members.extractors import Arrays, Extractor, FeatureCache, extract_cached
from ..members.linear import fit_head
from ..members.members import Member
from .dataset import Item

Log = Callable[[str], None]
HUMAN_CUT_AI_QUANTILE = 0.05
OOF_PATH_NAME = "oof.json"


def oof_path() -> Path:
    return cache_dir() / "text" / "ensemble" / OOF_PATH_NAME


def featurize(
    items: Sequence[Item], extractors: Sequence[Extractor], log: Log = print, chunk: int = 32
) -> dict[str, list[Arrays]]:
    """Every extractor's arrays for every item (cached on disk)."""
    texts = [it.text for it in items]
    out: dict[str, list[Arrays]] = {}
    for ex in extractors:
        cache = FeatureCache(ex.name, ex.version)
        started, arrays = time.perf_counter(), []
        for i in range(0, len(texts), chunk):
            arrays += extract_cached(ex, texts[i : i + chunk], cache)
            seconds = time.perf_counter() - started
            log(f"  {ex.name}: {len(arrays)}/{len(texts)} texts ({seconds:.0f} s)")
        out[ex.name] = arrays
    return out


def verdict_cuts(
    y: np.ndarray, raw: np.ndarray, a: float, b: float, fpr: float
) -> tuple[float, float, float]:
    """(raw threshold, ai_at, human_below) by the rule in the module docstring."""
    cut = threshold_at_fpr(y.tolist(), raw.tolist(), fpr)
    probe = Calibration("platt", {"a": a, "b": b}, 1.0, 0.0)
    ai_at = probe.probability(cut)
    low = float(np.quantile(raw[y == 1], HUMAN_CUT_AI_QUANTILE))
    human_below = min(probe.probability(low), ai_at)
    return cut, ai_at, human_below


def fit_member(
    member: Member, items: Sequence[Item], arrays: Sequence[Arrays], fpr: float
) -> tuple[Calibration, np.ndarray, dict[str, Any]]:
    """A member's calibration (head + Platt + cuts) and its out-of-fold raw scores."""
    y = np.array([it.label for it in items])
    groups = np.array([f"{it.source}|{it.group}" for it in items])
    x = np.stack([member.features(it.text, a) for it, a in zip(items, arrays, strict=True)])
    report: dict[str, Any] = {"train_texts": len(items), "train_ai": int(y.sum())}
    params: dict[str, Any] = {}
    if x.shape[1] == 1:
        oof = x[:, 0]  # a Platt scaling of one number: two parameters, no head
    else:
        names = getattr(member, "feature_names", None) or [f"f{j}" for j in range(x.shape[1])]
        head, oof, head_report = fit_head(x, y, groups, names)
        params["head"] = head
        report |= head_report
    a, b = fit_platt(y.tolist(), oof.tolist())
    cut, ai_at, human_below = verdict_cuts(y, oof, a, b, fpr)
    params |= {"a": a, "b": b}
    calibration = Calibration("platt", params, ai_at, human_below, raw_threshold=cut)
    return calibration, oof, report


def save_oof(items: Sequence[Item], oof: dict[str, np.ndarray]) -> Path:
    path = oof_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {it.key: {name: float(v[i]) for name, v in oof.items()} for i, it in enumerate(items)}
    path.write_text(json.dumps(payload))
    return path


def load_oof(items: Sequence[Item], names: Sequence[str]) -> np.ndarray:
    path = oof_path()
    if not path.is_file():
        raise FileNotFoundError(f"{path} missing: run `manage.py train_text_members` first")
    stored = json.loads(path.read_text())
    missing = [it for it in items if it.key not in stored]
    if missing:
        raise ValueError(
            f"{len(missing)} training texts have no out-of-fold member scores: run "
            "`manage.py train_text_members` again"
        )
    return np.array([[stored[it.key][n] for n in names] for it in items])


def fusion_design(z: np.ndarray, interactions: bool) -> np.ndarray:
    """Member log-odds, and with ``interactions`` their pairwise products (i < j)."""
    if not interactions:
        return z
    n = z.shape[1]
    products = [z[:, i] * z[:, j] for i in range(n) for j in range(i + 1, n)]
    return np.column_stack([z, *products])


def fit_fusion(
    names: Sequence[str], probs: np.ndarray, items: Sequence[Item], fpr: float
) -> tuple[Calibration, dict[str, Any]]:
    """Logistic fusion over member log-odds (with pairwise products when grouped CV on the
    training split says they help); cuts from its grouped out-of-fold scores."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    from ...metrics import auroc

    y = np.array([it.label for it in items])
    groups = np.array([f"{it.source}|{it.group}" for it in items])
    z = np.vectorize(logit)(probs)
    by_design: dict[str, dict[str, float]] = {}
    best_of: dict[bool, tuple[float, float, np.ndarray]] = {}
    for interactions in (False, True):
        x = fusion_design(z, interactions)
        key = "pairwise" if interactions else "linear"
        by_design[key] = {}
        for c in (0.01, 0.1, 1.0, 10.0):
            oof = np.zeros(len(y))
            for train, test in GroupKFold(n_splits=5).split(x, y, groups):
                model = LogisticRegression(C=c, class_weight="balanced", max_iter=5000)
                oof[test] = model.fit(x[train], y[train]).decision_function(x[test])
            score = auroc(y.tolist(), oof.tolist())
            by_design[key][str(c)] = round(score, 4)
            if interactions not in best_of or score > best_of[interactions][0] + 1e-6:
                best_of[interactions] = (score, c, oof)
    # The products are kept only if they beat the plain sum by a margin.
    interactions = best_of[True][0] > best_of[False][0] + 0.005
    _, c_best, oof = best_of[interactions]
    x = fusion_design(z, interactions)
    model = LogisticRegression(C=c_best, class_weight="balanced", max_iter=5000).fit(x, y)
    coef = model.coef_[0]
    # The decision value is already a log-odds; its Platt scaling is refitted on the
    # out-of-fold values because class_weight="balanced" shifts the intercept.
    a, b = fit_platt(y.tolist(), oof.tolist())
    cut, ai_at, human_below = verdict_cuts(y, oof, a, b, fpr)
    n = len(names)
    pairs = [(names[i], names[j]) for i in range(n) for j in range(i + 1, n)]
    params = {
        "members": list(names),
        "weights": {m: float(w) for m, w in zip(names, coef[:n], strict=True)},
        "interactions": {f"{p}*{q}": float(w) for (p, q), w in zip(pairs, coef[n:], strict=False)},
        "intercept": float(model.intercept_[0]),
        "a": a,
        "b": b,
        "weighted": _weighted_vote(names, probs, y, coef[:n], fpr),
    }
    calibration = Calibration("platt", params, ai_at, human_below, raw_threshold=cut)
    report = {
        "cv_auroc": by_design,
        "chosen": {"design": "pairwise" if interactions else "linear", "C": c_best},
        "selection_rule": "best grouped 5-fold CV AUROC on the training split; pairwise "
        "products only if they beat the linear sum by > 0.005",
        "train_texts": len(items),
    }
    return calibration, report


def _weighted_vote(
    names: Sequence[str], probs: np.ndarray, y: np.ndarray, coef: np.ndarray, fpr: float
) -> dict[str, Any]:
    """Weights (the learned coefficients, negatives clipped to 0) and cuts for the
    ``weighted`` voting method, fitted on the same training scores."""
    w = np.clip(coef, 0.0, None)
    if w.sum() <= 0:
        w = np.ones_like(w)
    w = w / w.sum()
    mean = probs @ w
    ai_at = threshold_at_fpr(y.tolist(), mean.tolist(), fpr)
    human_below = min(float(np.quantile(mean[y == 1], HUMAN_CUT_AI_QUANTILE)), ai_at)
    return {
        "weights": {n: round(float(v), 4) for n, v in zip(names, w, strict=True)},
        "ai_at": min(float(ai_at), 1.0),
        "human_below": human_below,
    }


def write(calibration: Calibration, path: Path | None, name: str) -> Path:
    path = path or calibration_path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    calibration.save(path)
    return path
