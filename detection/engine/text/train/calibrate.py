"""Calibration of the zero-shot text detector on the Fast-DetectGPT data (no Django).

``manage.py calibrate_text`` is a thin wrapper around :func:`run`. Steps:

1. Score every text of the six files once (truncated to ``max_tokens`` tokens), keeping
   per-token statistics, so scores of shorter prefixes come for free.
2. Split by pair index (``fastdetectgpt.py``): the hold-out pairs are never used to fit.
3. On the calibration split (full length), choose the raw score: Binoculars, Fast-DetectGPT, or a
   logistic combination of both if its 5-fold (grouped by pair) cross-validated AUROC
   beats the better single score by more than 0.005.
4. Fit Platt scaling; ``ai_at`` is the probability at the raw cut that flags at most
   ``fpr`` of the calibration humans; ``human_below`` the probability under which at most
   5 % of the calibration AI texts fall. Repeat at several text lengths (``lengths.py``).
5. Report on the hold-out split: AUROC and TPR at 1 % / 5 % FPR overall, per file and per
   length (each with its own fit), the operating point of the cuts and the verdict counts.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...calibration import Calibration
from ...metrics import auroc as _auroc
from ...metrics import confusion, fit_platt, threshold_at_fpr, tpr_at_fpr
from ...runtime_facts import provenance_versions
from ..criteria import SCORE_NAMES, prefix_scores, raw_score
from ..lengths import LengthCalibrations
from ..limits import check_text
from ..zero_shot import ZeroShotTextDetector
from .fastdetectgpt import FILES, Sample, check_no_leak, holdout_pairs, load_samples

HUMAN_CUT_AI_QUANTILE = 0.05
# Lengths (tokens) at which the mapping and cuts are fitted again; see ``lengths.py``.
LENGTH_BUCKETS = (48, 64, 96, 128, 192, 256)
Log = Callable[[str], None]


def auroc(labels: np.ndarray, scores: np.ndarray) -> float:
    return _auroc(labels.tolist(), scores.tolist())


@dataclass
class Scored:
    sample: Sample
    stats: np.ndarray  # (n tokens, 3): ll, xent, var

    def scores(self, n: int | None = None) -> dict[str, float]:
        n = self.stats.shape[0] if n is None else min(n, self.stats.shape[0])
        s = self.stats
        return prefix_scores(s[:, 0], s[:, 1], s[:, 2], n)


def truncate(detector: ZeroShotTextDetector, text: str, max_tokens: int) -> str:
    _, offsets = detector.load_models().tokenize(text)
    if len(offsets) <= max_tokens:
        return text
    return text[: int(offsets[max_tokens - 1][1])]


def score_samples(
    detector: ZeroShotTextDetector, samples: Sequence[Sample], max_tokens: int, log: Log
) -> list[Scored]:
    texts = [truncate(detector, s.text, max_tokens) for s in samples]
    out: list[Scored] = []
    step, start, tokens = 64, time.perf_counter(), 0
    for i in range(0, len(texts), step):
        stats = detector.token_stats(texts[i : i + step])
        for sample, st in zip(samples[i : i + step], stats, strict=True):
            out.append(Scored(sample, np.stack([st.ll, st.xent, st.var], axis=1)))
        done = len(out)
        tokens += sum(st.n for st in stats)
        rate = tokens / (time.perf_counter() - start)
        log(f"  scored {done}/{len(texts)} texts ({tokens} tokens, {rate:.0f} tokens/s)")
    return out


def _matrix(items: Sequence[Scored], n: int | None = None) -> np.ndarray:
    return np.array([[x.scores(n)[k] for k in SCORE_NAMES] for x in items])


def _raw(items: Sequence[Scored], definition: dict[str, Any], n: int | None = None) -> np.ndarray:
    return np.array([raw_score(x.scores(n), definition) for x in items])


def choose_score(items: Sequence[Scored]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The raw-score definition with the best calibration-split AUROC (see module doc)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    x, y = _matrix(items), np.array([it.sample.label for it in items])
    groups = np.array([it.sample.pair for it in items])
    report: dict[str, Any] = {
        k: {"calibration_auroc": auroc(y, x[:, j])} for j, k in enumerate(SCORE_NAMES)
    }
    mu, sd = x.mean(axis=0), x.std(axis=0)
    z = (x - mu) / sd
    pooled = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=5).split(z, y, groups):
        model = LogisticRegression(C=100.0).fit(z[train], y[train])
        pooled[test] = model.decision_function(z[test])
    report["combined"] = {"calibration_cv_auroc": auroc(y, pooled)}
    best_single = max(SCORE_NAMES, key=lambda k: report[k]["calibration_auroc"])
    if (
        report["combined"]["calibration_cv_auroc"]
        > report[best_single]["calibration_auroc"] + 0.005
    ):
        model = LogisticRegression(C=100.0).fit(z, y)
        w = model.coef_[0] / sd  # back to the raw scores' own units
        definition = {
            "name": "combined",
            "weights": {k: float(w[j]) for j, k in enumerate(SCORE_NAMES)},
            "intercept": float(model.intercept_[0] - np.sum(model.coef_[0] * mu / sd)),
        }
    else:
        definition = {"name": best_single}
    return definition, report


def _figures(y: np.ndarray, raw: np.ndarray) -> dict[str, float]:
    return {
        "n_human": int((y == 0).sum()),
        "n_ai": int((y == 1).sum()),
        "auroc": round(auroc(y, raw), 4),
        "tpr_at_1pct_fpr": round(tpr_at_fpr(y.tolist(), raw.tolist(), 0.01), 4),
        "tpr_at_5pct_fpr": round(tpr_at_fpr(y.tolist(), raw.tolist(), 0.05), 4),
    }


def _operating_point(y: np.ndarray, raw: np.ndarray, calibration: Calibration) -> dict[str, Any]:
    assert calibration.raw_threshold is not None
    verdicts = [calibration.verdict(calibration.probability(r)) for r in raw]
    return {
        "raw_threshold": calibration.raw_threshold,
        "fpr": round(float((raw[y == 0] >= calibration.raw_threshold).mean()), 4),
        "tpr": round(float((raw[y == 1] >= calibration.raw_threshold).mean()), 4),
        "verdicts": confusion(y.tolist(), verdicts),
    }


def evaluate(
    holdout: Sequence[Scored], definition: dict[str, Any], lengths: LengthCalibrations
) -> dict[str, Any]:
    y = np.array([h.sample.label for h in holdout])
    raw = _raw(holdout, definition)
    matrix = _matrix(holdout)
    result: dict[str, Any] = {
        "overall": _figures(y, raw),
        "operating_point": _operating_point(y, raw, lengths.base),
        "per_file": {},
        "by_length": {},
        "scores": {k: round(auroc(y, matrix[:, j]), 4) for j, k in enumerate(SCORE_NAMES)},
    }
    for name in FILES:
        mask = np.array([h.sample.file == name for h in holdout])
        if mask.any():
            result["per_file"][name] = _figures(y[mask], raw[mask])
    result["by_length_note"] = (
        "the hold-out texts cut to their first n tokens, each length with its own fitted "
        "calibration. A pair's two texts share their first ~20 words (the human opening the "
        "generator continued), so short prefixes are partly identical: AUROC and TPR are "
        "pessimistic for short texts; the FPR is not affected"
    )
    for n, calibration in lengths.buckets:
        raw_n = _raw(holdout, definition, n)
        result["by_length"][str(n)] = _figures(y, raw_n) | _operating_point(y, raw_n, calibration)
    return result


def fit(
    items: Sequence[Scored], definition: dict[str, Any], fpr: float, n: int | None = None
) -> dict[str, float]:
    """Platt (a, b), the raw cut at ``fpr`` and the two probability cuts, on texts cut to
    their first ``n`` tokens."""
    y = np.array([it.sample.label for it in items])
    raw = _raw(items, definition, n)
    a, b = fit_platt(y.tolist(), raw.tolist())
    cut = threshold_at_fpr(y.tolist(), raw.tolist(), fpr)
    human_raw = float(np.quantile(raw[y == 1], HUMAN_CUT_AI_QUANTILE))

    def sigmoid(v: float) -> float:
        return 1.0 / (1.0 + math.exp(-(a * v + b)))

    ai_at = sigmoid(cut)
    return {
        "a": a,
        "b": b,
        "raw_threshold": cut,
        "ai_at": ai_at,
        "human_below": min(sigmoid(human_raw), ai_at),
    }


def run(
    detector: ZeroShotTextDetector,
    *,
    data_dir: Path,
    limit_per_file: int,
    max_tokens: int,
    holdout_fraction: float,
    seed: int,
    fpr: float,
    command: str,
    log: Log = print,
) -> tuple[Calibration, list[Scored]]:
    samples = load_samples(data_dir, limit_per_file)
    kept = []
    for s in samples:
        try:
            kept.append(Sample(s.file, s.pair, s.label, check_text(s.text)))
        except Exception:  # noqa: S112 - too short etc.: the detector would refuse it too
            continue
    held = holdout_pairs(holdout_fraction, seed)
    cal_samples = [s for s in kept if s.pair not in held]
    hold_samples = [s for s in kept if s.pair in held]
    check_no_leak(cal_samples, hold_samples)
    log(
        f"{len(kept)} texts ({len(samples) - len(kept)} refused by check_text); "
        f"{len(cal_samples)} calibration, {len(hold_samples)} hold-out"
    )
    scored = score_samples(detector, cal_samples + hold_samples, max_tokens, log)
    cal, hold = scored[: len(cal_samples)], scored[len(cal_samples) :]

    definition, choice = choose_score(cal)
    lengths = sorted({n for n in LENGTH_BUCKETS if n < max_tokens} | {max_tokens})
    by_length = [{"tokens": n} | fit(cal, definition, fpr, n) for n in lengths]
    full = by_length[-1]
    calibration = Calibration(
        method="platt",
        params={"a": full["a"], "b": full["b"], "score": definition, "by_length": by_length},
        ai_at=full["ai_at"],
        human_below=full["human_below"],
        raw_threshold=full["raw_threshold"],
    )
    holdout = evaluate(hold, definition, LengthCalibrations.from_calibration(calibration))
    holdout["score_choice"] = choice
    provenance = {
        "data": "Fast-DetectGPT texts (MIT; Bao et al., ICLR 2024): "
        + ", ".join(f"{f}.json" for f in FILES),
        "data_dir": str(data_dir),
        "split": {
            "unit": "pair index, the same for every file (a pair's human and AI halves and "
            "repeated human texts stay on one side)",
            "seed": seed,
            "holdout_fraction": holdout_fraction,
            "limit_per_file": limit_per_file,
            "calibration_texts": len(cal),
            "holdout_texts": len(hold),
            "refused_by_check_text": len(samples) - len(kept),
        },
        "max_tokens": max_tokens,
        "models": {
            "observer": detector.observer_choice.key,
            "performer": detector.performer_choice.key,
        },
        "model_refs": [f"{m.id}@{m.revision}" for m in detector.models],
        "dtype": detector.dtype_name,
        "versions": provenance_versions(),
        "fpr_target": fpr,
        "ai_at_rule": f"P(AI) at the raw cut flagging <= {fpr:.0%} of calibration humans",
        "length_rule": "params.by_length: the mapping and cuts fitted again on the "
        "calibration texts cut to each length; a text uses the longest length not above its "
        "own (the shortest for shorter texts); the top level is the full-length fit",
        "human_below_rule": (
            f"P(AI) at the {HUMAN_CUT_AI_QUANTILE:.0%} quantile of calibration AI raw scores "
            "(capped at ai_at)"
        ),
        "score_choice_rule": "best calibration-split AUROC; the combination only if its "
        "5-fold grouped CV AUROC beats the best single score by > 0.005",
        "date": time.strftime("%Y-%m-%d"),
        "command": command,
    }
    calibration = Calibration(
        method=calibration.method,
        params=calibration.params,
        ai_at=calibration.ai_at,
        human_below=calibration.human_below,
        raw_threshold=calibration.raw_threshold,
        provenance=provenance,
        holdout=holdout,
    )
    return calibration, hold


def compare_dtype(
    other: ZeroShotTextDetector,
    hold: Sequence[Scored],
    definition: dict[str, Any],
    pairs: int,
    max_tokens: int,
    log: Log = print,
) -> dict[str, Any]:
    """Hold-out AUROC of the same texts under another dtype (a subset: ``pairs`` per file)."""
    subset = [h for h in hold if h.sample.pair in sorted({x.sample.pair for x in hold})[:pairs]]
    again = score_samples(other, [h.sample for h in subset], max_tokens, log)
    y = np.array([h.sample.label for h in subset])
    mine, theirs = _raw(subset, definition), _raw(again, definition)
    return {
        "texts": len(subset),
        "dtype": other.dtype_name,
        "auroc_this_dtype": round(auroc(y, mine), 4),
        f"auroc_{other.dtype_name}": round(auroc(y, theirs), 4),
        "auroc_delta": round(auroc(y, mine) - auroc(y, theirs), 4),
        "per_score_auroc_delta": {
            k: round(auroc(y, _matrix(subset)[:, j]) - auroc(y, _matrix(again)[:, j]), 4)
            for j, k in enumerate(SCORE_NAMES)
        },
        "raw_score_max_abs_diff": round(float(np.abs(mine - theirs).max()), 4),
        "raw_score_mean_abs_diff": round(float(np.abs(mine - theirs).mean()), 4),
    }
