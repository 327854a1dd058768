"""Write owners' labels for recalibration and evaluation (see detection/labels/export.py).

python manage.py export_labels var/labels
python manage.py evaluate_text var/labels/text
python manage.py calibrate_audio --data var/labels/audio
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Export human labels in the layouts the calibration commands read."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path, help="folder to write (created)")

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.labels.export import export_labels

        counts = export_labels(options["out"])
        total = sum(counts.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"
        self.stdout.write(f"exported {total} labels to {options['out']} ({detail})")
