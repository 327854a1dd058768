"""Train, evaluate and calibrate the voice detector on the pool (``manage.py train_audio_pool``).

1. Leave-one-family-out (:mod:`lofo_run`) for each candidate member set; the member set
   shipped is the one whose pooled held-out figures are best (ties: the cheaper one).
2. Final heads on every synthetic family and the training real speech; fusion weights
   from out-of-family member scores (:func:`lofo_run.fit_fusion`).
3. Calibrations fitted on the out-of-family scores of step 1 (files, file windows for the
   timeline, 2 s live windows), each with its ``holdout`` error tables.
4. Source tracing head with its temperature.
5. The real sources never trained or calibrated on are scored by the shipped model at the
   shipped cuts: the false-positive figures of the report.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ...calibration import Calibration
from ...runtime_facts import provenance_versions
from ..head import LinearHead
from . import calibrate_pool, heads_fit, lofo_run
from .lofo import Item, real_split
from .pool_sources import HELD_OUT_REAL_SOURCES
from .tracing_fit import fit_tracing

CANDIDATES: dict[str, tuple[str, ...]] = {
    "whisper+spectral": ("whisper", "spectral"),
    "whisper+spectral+families": ("whisper", "spectral", "families"),
    "families": ("families",),
    "+rawgat": ("whisper", "spectral", "rawgat"),
    "+aasist": ("whisper", "spectral", "aasist"),
    "+aasist_l": ("whisper", "spectral", "aasist_l"),
    "+rawgat+aasist+aasist_l": ("whisper", "spectral", "rawgat", "aasist", "aasist_l"),
}
LIGHT = (
    "whisper+spectral",
    "whisper+spectral+families",
    "families",
)  # need no anti-spoofing network
HEAD_C = 0.05
MIN_GAIN = 0.005  # pooled AUROC a costlier member set must add to be shipped
MIN_CNN_ITEMS = 300  # below this many recordings with CNN features, CNN members are not compared


def _families(items: Sequence[Item]) -> list[str]:
    return sorted({it.group for it in items if it.label == 1})


def lofo(
    items: Sequence[Item], members: Sequence[str], live: bool, log: Any
) -> list[lofo_run.FoldResult]:
    folds = []
    for fam in _families(items):
        t = time.perf_counter()
        folds.append(lofo_run.run_fold(items, fam, members, HEAD_C, fusion=True, live=live))
        log(f"  {'+'.join(members)} held out {fam}: {time.perf_counter() - t:.1f}s")
    return folds


def _oof(
    folds: Sequence[lofo_run.FoldResult], member: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(synthetic scores, calibration-split real scores, their weights) across folds."""
    pos, neg, w = [], [], []
    for fold in folds:
        for it, s in zip(fold.test, fold.file_scores[member], strict=True):
            if it.label == 1:
                pos.append(s)
            elif real_split(it.clip) == "cal":
                neg.append(s)
                w.append(1.0 / len(folds))
    return np.array(pos), np.array(neg), np.array(w)


def _oof_windows(
    folds: Sequence[lofo_run.FoldResult], per_item: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    pos: list[float] = []
    neg: list[float] = []
    w: list[float] = []
    for fold in folds:
        rows = fold.window_scores if per_item == "window" else fold.live_scores
        for it, s in zip(fold.test, rows, strict=True):
            if it.label == 1:
                pos.extend(s)
            elif real_split(it.clip) == "cal":
                neg.extend(s)
                w.extend([1.0 / len(folds)] * len(s))
    return np.array(pos), np.array(neg), np.array(w)


def _test_real_rates(
    cal: Calibration, folds: Sequence[lofo_run.FoldResult], member: str
) -> dict[str, Any]:
    """Share of never-trained real recordings called ``ai`` at the shipped cut, per source."""
    by_source: dict[str, list[float]] = {}
    for fold in folds:
        for it, s in zip(fold.test, fold.file_scores[member], strict=True):
            if it.label == 0 and real_split(it.clip) == "test":
                by_source.setdefault(it.clip.source, []).append(cal.probability(float(s)))
    out: dict[str, Any] = {}
    for source, probs in sorted(by_source.items()):
        p = np.array(probs)
        out[source] = {
            "n": int(len(p) // max(len(folds), 1)),
            "called_ai": round(float(np.mean(p >= cal.ai_at)), 4),
            "called_human": round(float(np.mean(p < cal.human_below)), 4),
        }
    allp = np.concatenate([np.array(v) for v in by_source.values()]) if by_source else np.zeros(0)
    out["all"] = {
        "n": int(len(allp) // max(len(folds), 1)),
        "called_ai": round(float(np.mean(allp >= cal.ai_at)), 4) if len(allp) else None,
    }
    return out


def train(
    items: list[Item], out_dir: Path, report_path: Path, command: str, log: Any = print
) -> dict[str, Any]:
    started = datetime.now(UTC).isoformat(timespec="seconds")
    report: dict[str, Any] = {"date": started, "command": command}
    with_cnn = [it for it in items if "cnn_rawgat" in it.feats]
    report["pool"] = {
        "recordings": len(items),
        "with_cnn_features": len(with_cnn),
        "families": {f: sum(1 for it in items if it.group == f) for f in _families(items)},
        "real_sources": {
            s: {
                split: sum(
                    1
                    for it in items
                    if it.label == 0 and it.group == s and real_split(it.clip) == split
                )
                for split in ("train", "cal", "test")
            }
            for s in sorted({it.group for it in items if it.label == 0})
        },
    }
    # 1-2. Candidate member sets, leave one family out (files and live windows); the
    # members alone are read off the largest set's folds.
    cnn_ok = len(with_cnn) >= MIN_CNN_ITEMS
    candidates = {k: v for k, v in CANDIDATES.items() if cnn_ok or k in LIGHT}
    report["cnn_comparison"] = (
        f"on the {len(with_cnn)} recordings with anti-spoofing features"
        if cnn_ok
        else f"not run: anti-spoofing features exist for {len(with_cnn)} recordings only "
        f"(fewer than {MIN_CNN_ITEMS}); only the members without a network were compared"
    )
    runs: dict[str, list[lofo_run.FoldResult]] = {}
    compared: dict[str, Any] = {}
    for name, candidate in candidates.items():
        on = with_cnn if name not in LIGHT else items
        runs[name] = lofo(on, candidate, live=True, log=log)
        compared[name] = lofo_run.figures(runs[name], "fusion")["pooled"]
        log(f"{name}: {compared[name]}")
    widest = max(candidates, key=lambda k: len(candidates[k]))
    report["members_alone"] = {m: lofo_run.figures(runs[widest], m) for m in candidates[widest]}
    base = compared["whisper+spectral"]["auroc"]
    best_name = max(
        candidates,
        key=lambda k: compared[k]["auroc"] - (0 if k == "whisper+spectral" else MIN_GAIN),
    )
    if compared[best_name]["auroc"] < base + MIN_GAIN:
        best_name = "whisper+spectral"
    report["fusions_compared"] = compared
    members = candidates[best_name]
    report["shipped_members"] = list(members)
    pool_items = items if best_name in LIGHT else with_cnn
    folds = runs[best_name]
    report["lofo_files"] = lofo_run.figures(folds, "fusion")
    report["lofo_live"] = lofo_run.live_figures(folds)
    # 3. Final heads, fusion and calibrations.
    train_items = [it for it in pool_items if it.label == 1 or real_split(it.clip) == "train"]
    provenance = {
        "data": "audio pool (detection/engine/audio/train/pool_manifest.csv), "
        f"{len(pool_items)} recordings",
        "split": "heads: every synthetic family + real 'train' speakers; calibration: "
        "out-of-family scores + real 'cal' speakers; reported FPR: sources "
        + ", ".join(HELD_OUT_REAL_SOURCES),
        "date": started,
        "command": command,
        "versions": provenance_versions(),
    }
    written: dict[str, Any] = {}
    for name in members:
        kind, feature = lofo_run.FILE_MEMBERS[name]
        if kind == "multiclass":
            heads_fit.fit_family_head(train_items, feature, HEAD_C).save(
                out_dir / "heads" / f"voice_{name}.json"
            )
            written[name] = f"heads/voice_{name}.json"
            continue
        c = lofo_run.C_BY_FEATURE.get(feature, HEAD_C)
        head = heads_fit.fit_head(lofo_run._mean_rows(train_items, feature), feature, c)
        head = LinearHead(
            head.feature, head.mean, head.scale, head.coef, head.intercept, provenance
        )
        head.save(out_dir / "heads" / f"voice_{name}.json")
        written[name] = f"heads/voice_{name}.json"
    coef, intercept = (
        lofo_run.fit_fusion(train_items, members, HEAD_C) if len(members) > 1 else (np.ones(1), 0.0)
    )
    fusion = {
        "members": list(members),
        "coef": [float(v) for v in coef],
        "intercept": intercept,
        "provenance": provenance,
    }
    (out_dir / "heads" / "voice_fusion.json").write_text(json.dumps(fusion, indent=1) + "\n")
    live_train = [it for it in train_items if lofo_run.LIVE_FEATURE in it.feats]
    live_head = heads_fit.fit_head(
        lofo_run._subsample_windows(live_train, 2), lofo_run.LIVE_FEATURE, HEAD_C
    )
    LinearHead(
        live_head.feature,
        live_head.mean,
        live_head.scale,
        live_head.coef,
        live_head.intercept,
        provenance,
    ).save(out_dir / "heads" / "voice_live.json")
    families = _families(pool_items)
    per_family_files = report["lofo_files"]["families"]
    for kind, (pos, neg, w), per_family in (
        ("files", _oof(folds, "fusion"), per_family_files),
        ("window", _oof_windows(folds, "window"), {}),
        ("live", _oof_windows(folds, "live"), report["lofo_live"]["families"]),
    ):
        cal, _raw_ai, _raw_human = calibrate_pool.fit(pos, neg, w)
        holdout = calibrate_pool.holdout_block(cal, pos, neg, families, per_family, w)
        summary = (
            f"Platt on out-of-family {kind} scores ({len(pos)} synthetic from {len(families)} "
            f"families, each scored by a model that never saw it; {len(neg)} real from "
            f"speakers never trained on); ai cut at {calibrate_pool.AI_FPR:.1%} FPR, human cut "
            f"at {calibrate_pool.HUMAN_FNR:.0%} FNR"
        )
        cal = Calibration(
            cal.method,
            cal.params,
            cal.ai_at,
            cal.human_below,
            cal.raw_threshold,
            {**provenance, "summary": summary},
            holdout,
        )
        name = {"files": "voice.json", "window": "voice.window.json", "live": "voice.live.json"}[
            kind
        ]
        cal.save(out_dir / "calibration" / name)
        report[f"calibration_{kind}"] = {
            "ai_at": cal.ai_at,
            "human_below": cal.human_below,
            "auroc": holdout["auroc"],
            "eer": holdout["eer"],
            "tpr_at_fpr": holdout["tpr_at_fpr"],
        }
        if kind == "files":
            report["never_trained_real_at_shipped_cut"] = _test_real_rates(cal, folds, "fusion")
    # Each member's own calibration (its probability in ``members`` of a result).
    for name in members:
        pos, neg, w = _oof(folds, name)
        cal, _a, _h = calibrate_pool.fit(pos, neg, w)
        holdout = calibrate_pool.holdout_block(cal, pos, neg, families, {}, w)
        summary = f"Platt on out-of-family {name} head scores (member of audio.ensemble)"
        Calibration(
            cal.method,
            cal.params,
            cal.ai_at,
            cal.human_below,
            cal.raw_threshold,
            {**provenance, "summary": summary},
            holdout,
        ).save(out_dir / "calibration" / f"voice_{name}.json")
    # 4. Source tracing.
    tracing, tracing_report = fit_tracing([it for it in pool_items if it.label == 1])
    tracing = type(tracing)(
        tracing.families,
        tracing.mean,
        tracing.scale,
        tracing.coef,
        tracing.intercept,
        tracing.temperature,
        {**provenance, "held_out": tracing_report},
    )
    tracing.save(out_dir / "heads" / "voice_tracing.json")
    report["source_tracing"] = tracing_report
    report["written"] = written
    report_path.write_text(json.dumps(report, indent=1) + "\n")
    return report


def pooled_summary(report: dict[str, Any]) -> str:
    files = report["lofo_files"]["pooled"]
    live = report["lofo_live"]["pooled"]
    return f"files {files}; live {live}"
