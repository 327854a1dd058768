"""Evaluate the text ensemble and each member on labelled texts.

    python manage.py evaluate_text PATH [--roc roc.png] [--set "all texts"] [--json out.json]
    python manage.py evaluate_text holdout      # the project's own held-out split

PATH is a file or a folder of files, each either
- JSON Lines: one object per line with ``text`` and ``label`` (1 = AI, 0 = human) and
  optionally ``source`` and ``domain``; or
- a Fast-DetectGPT style JSON object with paired ``original`` (human) and ``sampled`` (AI)
  lists (the file name becomes the source).

Prints AUROC, TPR at 1 % and 5 % FPR and the confusion of the shipped three-way verdicts,
per evaluation set, for every member, the learned fusion and the voting methods. Extractor
outputs are cached (a second run costs seconds). Do not evaluate on texts the members
were trained or calibrated on: ``holdout`` uses only the held-out split.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "AUROC, TPR at 1 %/5 % FPR and verdict confusion of the text ensemble on labelled texts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="file or folder of labelled texts, or 'holdout'")
        parser.add_argument("--roc", type=Path, default=None, help="write a ROC plot (PNG)")
        parser.add_argument("--set", default="all texts", help="evaluation set of the plot")
        parser.add_argument("--json", type=Path, default=None, help="write the figures as JSON")
        parser.add_argument("--limit", type=int, default=0, help="at most this many texts per file")

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.errors import EngineError
        from detection.engine.text.fusion_model import LearnedFusion
        from detection.engine.text.members.members import make_members
        from detection.engine.text.train import dataset
        from detection.engine.text.train.evaluate import figures, format_table, roc_plot
        from detection.engine.text.train.labelled_files import load_labelled
        from detection.engine.text.train.run import arrays_for, score_items

        if options["path"] == "holdout":
            items = [it for it in dataset.build() if it.holdout]
        else:
            try:
                items = load_labelled(Path(options["path"]), limit=options["limit"])
            except (OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
        if not items:
            raise CommandError("no labelled texts found")
        try:
            fusion = LearnedFusion.load()
            members = make_members(fusion.members)
            arrays, extractors = arrays_for(items, members, self.stdout.write)
            scored = score_items(items, arrays, members, fusion, extractors)
        except EngineError as exc:
            raise CommandError(str(exc)) from exc
        table = figures(scored)
        if not table:
            raise CommandError("the texts need both labels (AI and human) for these figures")
        self.stdout.write(format_table(table))
        if options["json"]:
            options["json"].write_text(json.dumps(table, indent=2) + "\n")
        if options["roc"]:
            path = roc_plot(scored, options["roc"], options["set"])
            self.stdout.write(f"ROC plot: {path}")
