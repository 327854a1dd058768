"""Markdown tables of a ``run_pool`` report (what the closing note quotes)."""

from __future__ import annotations

from typing import Any


def _row(name: str, f: dict[str, Any]) -> str:
    tpr = f.get("tpr_at_fpr", {})
    called = f.get("ai_texts_called") or f.get("human_texts_called") or {}
    human = f.get("human_texts_called", {})
    nan = float("nan")
    return (
        f"| {name} | {f.get('n_ai', 0)} | {f.get('n_human', 0)} | {f.get('auroc', nan):.3f} "
        f"| {tpr.get('0.01', float('nan')):.2f} | {tpr.get('0.05', float('nan')):.2f} "
        f"| {called.get('ai', float('nan')):.2f} | {human.get('ai', float('nan')):.3f} "
        f"| {human.get('uncertain', float('nan')):.2f} |"
    )


HEADER = (
    "| held out | AI | human | AUROC | TPR@1% | TPR@5% | AI called ai | human called ai "
    "| human uncertain |\n|---|---|---|---|---|---|---|---|---|"
)


def format_report(report: dict[str, Any], scope: str = "full texts") -> str:
    part = report[scope]
    lines = [f"### {scope}: cuts {report['cuts']}", "", HEADER]
    lines.append(_row("pooled", part["pooled (leave-one-unit-out)"]))
    for name, f in sorted(part["per family (left out)"].items()):
        lines.append(_row(f"family {name}", f))
    lines += ["", HEADER]
    for name, f in sorted(part["per domain (left out)"].items()):
        lines.append(_row(f"domain {name}", f))
    lines += ["", HEADER]
    for name, f in sorted(part["per human source (left out)"].items()):
        lines.append(_row(f"human source {name}", f))
    for name, f in sorted(part.items()):
        if name.startswith("never trained"):
            lines.append(_row(name, f))
    lines += ["", HEADER]
    for name, f in sorted(part["per length band"].items()):
        lines.append(_row(f"band {name}", f))
    return "\n".join(lines)
