"""Markdown tables of a ``train_audio_pool`` report (per held-out family, files and 2 s windows).

python -m detection.engine.audio.train.report lofo_report.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{100 * x:.1f}"


def _row(name: str, f: dict[str, Any], live: dict[str, Any]) -> str:
    return (
        f"| {name} | {f.get('n_pos', 0)} | {f.get('auroc', 0):.3f} | {_pct(f.get('eer'))} | "
        f"{_pct(f.get('tpr_at_fpr_0.01'))} | {_pct(f.get('tpr_at_fpr_0.05'))} | "
        f"{live.get('n_pos', 0)} | {live.get('auroc', 0):.3f} | {_pct(live.get('eer'))} | "
        f"{_pct(live.get('tpr_at_fpr_0.01'))} | {_pct(live.get('tpr_at_fpr_0.05'))} |"
    )


def markdown(report: dict[str, Any]) -> str:
    files, live = report["lofo_files"], report["lofo_live"]
    lines = [
        "| held-out family | files | AUROC | EER % | TPR@1% | TPR@5% | 2 s windows | AUROC | "
        "EER % | TPR@1% | TPR@5% |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        _row("**pooled**", files["pooled"], live["pooled"]),
    ]
    for family in sorted(files["families"]):
        lines.append(_row(family, files["families"][family], live["families"].get(family, {})))
    lines.append("")
    lines.append("| real source never trained on | recordings | called ai % | called human % |")
    lines.append("|---|---|---|---|")
    for source, v in report["never_trained_real_at_shipped_cut"].items():
        lines.append(
            f"| {source} | {v.get('n')} | {_pct(v.get('called_ai'))} | "
            f"{_pct(v.get('called_human'))} |"
        )
    lines.append("")
    lines.append("| member set (leave-one-family-out, files) | AUROC | EER % | TPR@1% | TPR@5% |")
    lines.append("|---|---|---|---|---|")
    for name, f in report.get("fusions_compared", {}).items():
        lines.append(
            f"| {name} | {f['auroc']:.3f} | {_pct(f['eer'])} | {_pct(f['tpr_at_fpr_0.01'])} | "
            f"{_pct(f['tpr_at_fpr_0.05'])} |"
        )
    for name, f in report.get("members_alone", {}).items():
        p = f["pooled"]
        lines.append(
            f"| {name} alone | {p['auroc']:.3f} | {_pct(p['eer'])} | "
            f"{_pct(p['tpr_at_fpr_0.01'])} | {_pct(p['tpr_at_fpr_0.05'])} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(markdown(json.loads(Path(sys.argv[1]).read_text())))
