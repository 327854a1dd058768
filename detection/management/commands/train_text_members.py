"""Train and calibrate the text ensemble's members on the project's labelled texts.

    python manage.py train_text_members [--fdg-dir ../shared/data/text/fastdetectgpt]
        [--train-pairs 25] [--holdout-pairs 10] [--fpr 0.01] [--only-featurize]

Runs every extractor once per text (cached under the cache dir), fits the style member's
Platt scaling and the two trained heads on the training split, writes
``detection/engine/text/calibration/{style,embedding_head,stats_head}.json`` with their
hold-out figures, and stores the members' out-of-fold probabilities for
``manage.py train_text_fusion``. The zero-shot member keeps its own calibration
(``manage.py calibrate_text``), which must exist first.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Train and calibrate the text ensemble's members (style, embedding head, stats head)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fdg-dir", type=Path, default=None)
        parser.add_argument(
            "--train-pairs", type=int, default=25, help="Fast-DetectGPT pairs per file"
        )
        parser.add_argument("--holdout-pairs", type=int, default=10, help="held-out pairs per file")
        parser.add_argument("--fpr", type=float, default=0.01, help="false-positive rate of ai_at")
        parser.add_argument(
            "--only-featurize", action="store_true", help="fill the feature cache and stop"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        import numpy as np

        from detection.engine.errors import ModelUnavailable
        from detection.engine.text.members.members import MEMBERS, make_members
        from detection.engine.text.train import dataset, fit
        from detection.engine.text.train.evaluate import eval_sets
        from detection.engine.text.train.run import arrays_for

        log = self.stdout.write
        items = dataset.build(
            options["fdg_dir"],
            train_pairs=options["train_pairs"],
            holdout_pairs_per_file=options["holdout_pairs"],
        )
        train = [it for it in items if not it.holdout]
        hold = [it for it in items if it.holdout]
        if not any(it.label == 1 for it in train) or not any(it.label == 0 for it in train):
            raise CommandError("no labelled texts of both classes found (see dataset.py)")
        log(f"{len(items)} texts: {len(train)} training, {len(hold)} held out")
        members = make_members()
        arrays, _ = arrays_for(items, members, log)
        if options["only_featurize"]:
            return
        index = {id(it): i for i, it in enumerate(items)}

        def rows(name: str, subset: list) -> list:
            return [arrays[name][index[id(it)]] for it in subset]

        oof: dict[str, np.ndarray] = {}
        command = "manage.py train_text_members " + " ".join(sys.argv[2:])
        for member in members:
            if member.name == "zero_shot":
                try:
                    member.calibration  # noqa: B018 - fails clearly when the file is missing
                except ModelUnavailable as exc:
                    raise CommandError(str(exc)) from exc
                oof[member.name] = np.array(
                    [
                        member.probability(it.text, a)
                        for it, a in zip(train, rows(member.extractor, train), strict=True)
                    ]
                )
                continue
            cal, oof_raw, report = fit.fit_member(
                member, train, rows(member.extractor, train), options["fpr"]
            )
            member._calibration = cal
            oof[member.name] = np.array([cal.probability(r) for r in oof_raw])
            holdout = _holdout(member, hold, rows(member.extractor, hold), eval_sets)
            provenance = _provenance(items, train, hold, options, command) | {"fit": report}
            cal = type(cal)(
                cal.method,
                cal.params,
                cal.ai_at,
                cal.human_below,
                cal.raw_threshold,
                provenance,
                holdout,
            )
            path = fit.write(cal, None, member.name)
            log(f"{member.name}: wrote {path}")
            for name, f in holdout.items():
                log(f"  {name}: AUROC {f['auroc']:.3f}, TPR@1%FPR {f['tpr_at_1pct_fpr']:.3f}")
        path = fit.save_oof(train, oof)
        log(f"out-of-fold member probabilities of {len(train)} training texts: {path}")
        del MEMBERS


def _holdout(member: Any, hold: list, rows: list, eval_sets: Any) -> dict[str, Any]:
    from detection.engine.metrics import auroc, confusion, tpr_at_fpr

    probs = [member.probability(it.text, a) for it, a in zip(hold, rows, strict=True)]
    verdicts = [member.calibration_for(a).verdict(p) for a, p in zip(rows, probs, strict=True)]
    out = {}
    for name, (ai, humans) in eval_sets(hold).items():
        idx = ai + humans
        y = [hold[i].label for i in idx]
        p = [probs[i] for i in idx]
        out[name] = {
            "n_ai": len(ai),
            "n_human": len(humans),
            "auroc": round(auroc(y, p), 4),
            "tpr_at_1pct_fpr": round(tpr_at_fpr(y, p, 0.01), 4),
            "tpr_at_5pct_fpr": round(tpr_at_fpr(y, p, 0.05), 4),
            "confusion": confusion(y, [verdicts[i] for i in idx]),
        }
    return out


def _provenance(
    items: list, train: list, hold: list, options: dict, command: str
) -> dict[str, Any]:
    from collections import Counter

    from detection.engine.text.train import dataset

    count = Counter((it.source, "holdout" if it.holdout else "train", it.label) for it in items)
    return {
        "data": "see detection/engine/text/data/README.md; sources: "
        + ", ".join(sorted({it.source for it in items})),
        "split": {
            "unit": "Fast-DetectGPT: pair index (the zero-shot calibration's own hold-out pairs "
            "are the hold-out); other sources: a stable hash of each text's group, per source",
            "holdout_share": dataset.HOLDOUT_SHARE,
            "zero_shot_split": list(dataset.zero_shot_split()),
            "train_pairs_per_file": options["train_pairs"],
            "holdout_pairs_per_file": options["holdout_pairs"],
            "human_caps": dataset.HUMAN_CAPS,
            "counts": {
                f"{s}|{split}|{'ai' if y else 'human'}": n
                for (s, split, y), n in sorted(count.items())
            },
            "train_texts": len(train),
            "holdout_texts": len(hold),
        },
        "max_words": dataset.MAX_WORDS,
        "fpr_target": options["fpr"],
        "ai_at_rule": "P(AI) at the raw cut flagging <= fpr of training humans (out-of-fold)",
        "human_below_rule": "P(AI) at the 5 % quantile of training AI raw scores (capped at ai_at)",
        "date": time.strftime("%Y-%m-%d"),
        "command": command,
    }
