"""Build the wide text pool from fetched public snapshots, shared data and local samples.

    python manage.py build_text_pool --mirrors /work/.mirror --out /work/datasets/text

Writes ``pool.jsonl`` (every text with label, source, family, generator, domain, mode,
licence and provenance), ``manifest.json`` (per source: repository, commit, files with
their blob sha, licence and counts) and ``scored.jsonl`` (the capped subset the models
are trained and evaluated on) under ``--out``. The data stays there, outside the project;
``detection/engine/text/train/POOL.md`` lists the sources and what to fetch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Build the text training / calibration pool from fetched snapshots."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mirrors", type=Path, required=True)
        parser.add_argument("--out", type=Path, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.text.train.pool import build_pool
        from detection.engine.text.train.pool_features import write_scored

        summary = build_pool(options["mirrors"], options["out"])
        for name, entry in summary["sources"].items():
            self.stdout.write(f"{name}: {entry['counts']} ({entry['licence']})")
        path = write_scored(options["out"])
        self.stdout.write(f"{summary['texts']} texts; scored subset in {path}")
