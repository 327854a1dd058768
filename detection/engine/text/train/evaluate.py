"""Hold-out figures of the members and the fusion (numpy; matplotlib only for the plot).

For each evaluation set (a group of AI texts against a group of human texts) and each
scorer (every member, the learned fusion and the three voting methods) it reports AUROC,
TPR at 1 % and 5 % FPR and the confusion of the shipped three-way verdicts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ...metrics import auroc, confusion, tpr_at_fpr
from ...result import DetectionResult
from ..fusion_model import FUSION_METHODS
from .dataset import Item


@dataclass
class Scored:
    """One text's member results and fused results (by method)."""

    item: Item
    members: list[DetectionResult]
    fused: dict[str, tuple[str, float]]  # method -> (verdict, probability)


def eval_sets(items: Sequence[Item]) -> dict[str, tuple[list[int], list[int]]]:
    """name -> (indices of AI texts, indices of human texts).

    Fast-DetectGPT generators are set against the human texts of their own domain; every
    other AI source against each human source from packages, and against all of them.
    """
    by_source: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        by_source.setdefault(it.source, []).append(i)
    sets: dict[str, tuple[list[int], list[int]]] = {}
    fdg_humans: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        if it.source.startswith("fdg_") and it.label == 0:
            fdg_humans.setdefault(it.domain, []).append(i)
    packaged_humans = sorted(
        i for i, it in enumerate(items) if it.label == 0 and not it.source.startswith("fdg_")
    )
    human_sources = sorted(
        {it.source for it in items if it.label == 0 and not it.source.startswith("fdg_")}
    )
    for source, idx in sorted(by_source.items()):
        ai = [i for i in idx if items[i].label == 1]
        if not ai:
            continue
        own_humans = [i for i in idx if items[i].label == 0]
        if own_humans:
            sets[source] = (ai, own_humans)  # a file that labels both classes itself
            continue
        if source.startswith("fdg_"):
            humans = fdg_humans.get(items[ai[0]].domain, [])
            if humans:
                sets[f"{source} vs {items[ai[0]].domain} humans"] = (ai, humans)
            continue
        for hs in human_sources:
            sets[f"{source} vs {hs}"] = (ai, by_source[hs])
        if len(human_sources) > 1:
            sets[f"{source} vs all packaged humans"] = (ai, packaged_humans)
    everything = list(range(len(items)))
    if any(it.label == 1 for it in items) and any(it.label == 0 for it in items):
        sets["all texts"] = (
            [i for i in everything if items[i].label == 1],
            [i for i in everything if items[i].label == 0],
        )
    return sets


def scorer_names(scored: Sequence[Scored]) -> list[str]:
    members = [m.detector for m in scored[0].members] if scored else []
    return members + [f"fusion:{m}" for m in FUSION_METHODS]


def _column(s: Scored, name: str) -> tuple[str, float]:
    if name.startswith("fusion:"):
        return s.fused[name.removeprefix("fusion:")]
    for m in s.members:
        if m.detector == name:
            return m.verdict, m.probability_ai
    raise KeyError(name)


def figures(scored: Sequence[Scored]) -> dict[str, dict[str, dict[str, Any]]]:
    """{eval set: {scorer: {auroc, tpr_at_1pct_fpr, tpr_at_5pct_fpr, confusion, n}}}."""
    items = [s.item for s in scored]
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for set_name, (ai, humans) in eval_sets(items).items():
        idx = ai + humans
        y = [items[i].label for i in idx]
        row: dict[str, dict[str, Any]] = {}
        for name in scorer_names(scored):
            cols = [_column(scored[i], name) for i in idx]
            p = [c[1] for c in cols]
            row[name] = {
                "n_ai": len(ai),
                "n_human": len(humans),
                "auroc": round(auroc(y, p), 4),
                "tpr_at_1pct_fpr": round(tpr_at_fpr(y, p, 0.01), 4),
                "tpr_at_5pct_fpr": round(tpr_at_fpr(y, p, 0.05), 4),
                "confusion": confusion(y, [c[0] for c in cols]),
            }
        out[set_name] = row
    return out


def format_table(table: dict[str, dict[str, dict[str, Any]]]) -> str:
    lines = []
    for set_name, row in table.items():
        first = next(iter(row.values()))
        lines.append(f"\n{set_name}  ({first['n_ai']} AI / {first['n_human']} human)")
        lines.append(
            f"  {'scorer':<24}{'AUROC':>7}{'TPR@1%':>8}{'TPR@5%':>8}   "
            "verdicts AI texts (ai/unc/hum) | human texts (ai/unc/hum)"
        )
        for name, f in row.items():
            c = f["confusion"]
            lines.append(
                f"  {name:<24}{f['auroc']:>7.3f}{f['tpr_at_1pct_fpr']:>8.3f}"
                f"{f['tpr_at_5pct_fpr']:>8.3f}   "
                f"{c['ai']['ai']:>4}/{c['ai']['uncertain']:>3}/{c['ai']['human']:>3}"
                f"          | {c['human']['ai']:>4}/{c['human']['uncertain']:>3}/"
                f"{c['human']['human']:>3}"
            )
    return "\n".join(lines)


def roc_plot(scored: Sequence[Scored], path: Path, set_name: str = "all texts") -> Path:
    """ROC curves of every scorer on one evaluation set, as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    items = [s.item for s in scored]
    sets = eval_sets(items)
    ai, humans = sets[set_name]
    idx = ai + humans
    y = np.array([items[i].label for i in idx])
    fig, ax = plt.subplots(figsize=(6, 6))
    for name in scorer_names(scored):
        if name in ("fusion:majority", "fusion:unanimous"):
            continue  # verdict votes have no continuous score worth a curve
        p = np.array([_column(scored[i], name)[1] for i in idx])
        order = np.argsort(-p, kind="mergesort")
        tpr = np.concatenate([[0], np.cumsum(y[order] == 1) / max((y == 1).sum(), 1)])
        fpr = np.concatenate([[0], np.cumsum(y[order] == 0) / max((y == 0).sum(), 1)])
        ax.plot(fpr, tpr, label=f"{name} (AUROC {auroc(y.tolist(), p.tolist()):.3f})")
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1)
    ax.set_xlabel("false-positive rate (human texts flagged)")
    ax.set_ylabel("true-positive rate (AI texts flagged)")
    ax.set_title(f"ROC: {set_name} ({len(ai)} AI / {len(humans)} human)")
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
