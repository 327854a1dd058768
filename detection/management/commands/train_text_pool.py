"""Fit the text ensemble on the wide pool with leave-one-out evaluation.

    python -m detection.engine.text.train.pool_features --pool DIR --shard 0/2   # (and 1/2)
    python manage.py train_text_pool --pool /work/datasets/text [--report var/text_pool.json]

Needs the scored subset's arrays in the feature cache (the first command, run once per
shard). Runs leave-one-family/human-source-out and leave-one-domain-out, fits the shipped
heads, fusion, length-band cuts and sentence calibration, and writes the member and
fusion calibration files with their held-out figures (``holdout``). Prints the per-family
and per-domain tables and the false-positive rate on the never-trained learner essays.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Fit and evaluate the text ensemble on the wide pool (leave-one-out)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pool", type=Path, required=True)
        parser.add_argument("--report", type=Path, default=None)
        parser.add_argument("--out", type=Path, default=None, help="calibration folder")

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.text.train.report import format_report
        from detection.engine.text.train.run_pool import run, save_report

        report = run(options["pool"], options["out"], log=self.stdout.write)
        if options["report"]:
            save_report(report, options["report"])
        self.stdout.write(format_report(report))
