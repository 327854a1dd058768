"""Train the image detectors' heads on CLIP features and calibrate them on held-out families.

    python manage.py train_image_head [--fpr 0.05] [--fnr 0.05] [--provenance-scan]

Reads ../shared/data/image (the labelled set; see its README), caches the CLIP features
under the engine's cache dir (DETECTION_CACHE_DIR) so later runs take seconds, and writes
detection/engine/image/{clip,patch}_head.json, {clip,patch}_calibration.json and
ensemble.json with their provenance and hold-out figures per generator family.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Train and calibrate the image heads (CLIP embedding head and patch-token head)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--fpr", type=float, default=0.05, help="false-positive rate of the 'ai' cut"
        )
        parser.add_argument(
            "--fnr", type=float, default=0.05, help="AI images allowed under the 'human' cut"
        )
        parser.add_argument(
            "--provenance-scan",
            action="store_true",
            help="also count how often each provenance rule fires on the labelled set "
            "(written to image/provenance/policy.json)",
        )
        parser.add_argument(
            "--provenance-only", action="store_true", help="run only the provenance scan"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.errors import ModelUnavailable
        from detection.engine.image.train import run
        from detection.engine.image.train.dataset import data_dir

        if not (data_dir() / "manifest.csv").is_file():
            raise CommandError(f"labelled images not found at {data_dir()}")
        command = "python manage.py train_image_head " + " ".join(sys.argv[2:])
        if options["provenance_only"]:
            measured = run.provenance_scan(report=lambda line: self.stdout.write(line))
            self.stdout.write(json.dumps(measured["findings_per_class"]))
            return
        try:
            summary = run.train(
                fpr=options["fpr"],
                fnr=options["fnr"],
                command=command.strip(),
                report=lambda line: self.stdout.write(line),
            )
        except ModelUnavailable as exc:
            raise CommandError(str(exc)) from exc
        if options["provenance_scan"]:
            self.stdout.write("provenance rules on the labelled set")
            measured = run.provenance_scan(report=lambda line: self.stdout.write(line))
            self.stdout.write(json.dumps(measured["findings_per_class"]))
        for name in ("clip", "patch"):
            self.stdout.write(f"{name}: " + json.dumps(summary[name]["overall"]))
        self.stdout.write(self.style.SUCCESS("wrote the image heads and calibrations"))
