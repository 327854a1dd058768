"""Train the image detectors' heads on multi-layer CLIP features; calibrate on held-out groups.

    python -m detection.engine.image.train.corpus build --mirrors DIR --out CORPUS
    python -m detection.engine.image.train.corpus aligned --out CORPUS --taesd WEIGHTS
    python -m detection.engine.image.train.corpus_features --shard 0/2   # and 1/2
    python manage.py train_image_head [--provenance-scan]

Reads ../shared/data/image and the fetched corpus (AIDETECT_IMAGE_CORPUS; manifest in
detection/engine/image/train/data/corpus_manifest.csv), uses the features cached by
``corpus_features`` (AIDETECT_IMAGE_FEATURES), and writes detection/engine/image/
{clip,patch}_head.json, {clip,patch,patch_cell}_calibration.json, attribution.json and
ensemble.json with their provenance and leave-one-group-out figures.
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
            "--provenance-scan",
            action="store_true",
            help="also count how often each provenance rule fires on the labelled set "
            "(written to image/provenance/policy.json)",
        )
        parser.add_argument(
            "--provenance-only", action="store_true", help="run only the provenance scan"
        )
        parser.add_argument(
            "--quick",
            action="store_true",
            help="smoke run on 10 images per group (checks the chain; do not commit its files)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.errors import ModelUnavailable
        from detection.engine.image.train import run, train_heads
        from detection.engine.image.train.dataset import data_dir

        if not (data_dir() / "manifest.csv").is_file():
            raise CommandError(f"labelled images not found at {data_dir()}")
        command = "python manage.py train_image_head " + " ".join(sys.argv[2:])
        if options["provenance_only"]:
            measured = run.provenance_scan(report=lambda line: self.stdout.write(line))
            self.stdout.write(json.dumps(measured["findings_per_class"]))
            return
        try:
            summary = train_heads.train(
                command=command.strip(),
                report=lambda line: self.stdout.write(line),
                quick=options["quick"],
            )
            self.stdout.write("package-shipped photos through the finished image.ensemble")
            run.record_package_photos(self.stdout.write)
        except ModelUnavailable as exc:
            raise CommandError(str(exc)) from exc
        if options["provenance_scan"]:
            self.stdout.write("provenance rules on the labelled set")
            measured = run.provenance_scan(report=lambda line: self.stdout.write(line))
            self.stdout.write(json.dumps(measured["findings_per_class"]))
        for name in ("clip", "patch", "ensemble"):
            figures = {k: summary[name][k] for k in ("auroc", "tpr_at_fpr", "at_shipped_cuts")}
            self.stdout.write(f"{name}: " + json.dumps(figures))
        self.stdout.write(self.style.SUCCESS("wrote the image heads and calibrations"))
