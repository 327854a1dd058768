"""Fit the text ensemble's learned fusion and report hold-out figures of every scorer.

    python manage.py train_text_fusion [--fpr 0.01] [--roc var/text_roc.png]

Needs ``manage.py train_text_members`` first (member calibrations and their out-of-fold
probabilities). Fits logistic regression over the members' out-of-fold log-odds on the
training split, writes ``detection/engine/text/calibration/fusion.json`` (weights, cuts,
provenance and the hold-out table), and prints AUROC, TPR at 1 %/5 % FPR and the verdict
confusion per held-out source for each member, the learned fusion and the voting methods.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Fit the text ensemble's learned fusion (logistic regression over member scores)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--fdg-dir", type=Path, default=None)
        parser.add_argument("--train-pairs", type=int, default=25)
        parser.add_argument("--holdout-pairs", type=int, default=10)
        parser.add_argument("--fpr", type=float, default=0.01, help="false-positive rate of ai_at")
        parser.add_argument("--roc", type=Path, default=None, help="write a ROC plot (PNG)")

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.calibration import Calibration
        from detection.engine.text.fusion_model import LearnedFusion
        from detection.engine.text.members.members import make_members
        from detection.engine.text.train import dataset, fit
        from detection.engine.text.train.evaluate import figures, format_table, roc_plot
        from detection.engine.text.train.run import arrays_for, score_items

        log = self.stdout.write
        items = dataset.build(
            options["fdg_dir"],
            train_pairs=options["train_pairs"],
            holdout_pairs_per_file=options["holdout_pairs"],
        )
        train = [it for it in items if not it.holdout]
        hold = [it for it in items if it.holdout]
        members = make_members()
        names = [m.name for m in members]
        try:
            probs = fit.load_oof(train, names)
        except (FileNotFoundError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        calibration, report = fit.fit_fusion(names, probs, train, options["fpr"])
        fusion = LearnedFusion(calibration)
        log(
            f"fusion: {report['chosen']}, weights {fusion.summary()['weights']}, "
            f"products {fusion.summary()['interactions']} (CV AUROC: {report['cv_auroc']})"
        )

        arrays, extractors = arrays_for(hold, members, log)
        scored = score_items(hold, arrays, members, fusion, extractors)
        table = figures(scored)
        log(format_table(table))
        command = "manage.py train_text_fusion " + " ".join(sys.argv[2:])
        provenance = {
            "data": "out-of-fold member probabilities of the training split "
            "(manage.py train_text_members); see detection/engine/text/data/README.md",
            "members": names,
            "train_texts": len(train),
            "holdout_texts": len(hold),
            "fit": report,
            "fpr_target": options["fpr"],
            "ai_at_rule": "P(AI) at the raw cut flagging <= fpr of training humans (out-of-fold)",
            "human_below_rule": (
                "P(AI) at the 5 % quantile of training AI raw scores (capped at ai_at)"
            ),
            "date": time.strftime("%Y-%m-%d"),
            "command": command,
        }
        holdout = {
            name: {scorer: {k: v for k, v in f.items()} for scorer, f in row.items()}
            for name, row in table.items()
        }
        final = Calibration(
            calibration.method,
            calibration.params,
            calibration.ai_at,
            calibration.human_below,
            calibration.raw_threshold,
            provenance,
            holdout,
        )
        path = fit.write(final, None, "fusion")
        log(f"\nwrote {path}")
        if options["roc"]:
            log(f"ROC plot: {roc_plot(scored, options['roc'])}")
