"""Features, leave-one-family-out evaluation, heads, fusion and calibration of the voice detector.

    python manage.py train_audio_pool --pool /work/datasets/audio/pool \
        --features /work/datasets/audio/features [--report lofo_report.json] [--skip-features]

1. Caches every pool clip's features (``train/pool_features.py``; resumable shards).
2. Runs leave-one-family-out for the members alone and for candidate fusions, picks the
   member set the held-out figures support, and evaluates it on files and 2 s windows.
3. Writes ``heads/voice_*.json`` and ``calibration/voice*.json`` (with ``holdout`` error
   tables), the source-tracing head, and the full report (per family figures).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Train and calibrate the voice detector on the audio pool, holding out families."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--pool", type=Path, required=True)
        parser.add_argument("--features", type=Path, required=True)
        parser.add_argument("--report", type=Path, default=None)
        parser.add_argument("--skip-features", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.audio.train import pool_features, pool_train
        from detection.engine.audio.train.lofo_run import load_items

        pool, features = options["pool"], options["features"]
        if not options["skip_features"]:
            for kind in ("whisper", "cnn"):
                pool_features.run(kind, pool, features)
        items = load_items(pool, features)
        out_dir = Path(pool_train.__file__).resolve().parents[1]
        report = options["report"] or features / "lofo_report.json"
        result = pool_train.train(
            items, out_dir, report, "manage.py " + " ".join(sys.argv[1:]), self.stdout.write
        )
        self.stdout.write(pool_train.pooled_summary(result))
        self.stdout.write(f"report: {report}")
