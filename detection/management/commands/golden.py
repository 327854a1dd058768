"""Compare the default detectors' outputs on fixed inputs with golden.json, or rewrite it.

    python manage.py golden            # compare every case; exit 1 when one moved
    python manage.py golden --write    # measure every case and rewrite golden.json

Rewrite only after reviewing why outputs moved (a relock, a retrained head): the file is
what every other machine is compared with (detection/engine/golden.py).
"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Golden-output check of every default detector (or --write to regenerate)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--write", action="store_true", help="rewrite golden.json")
        parser.add_argument("--case", action="append", help="only these cases (repeatable)")

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine import golden

        if options["write"]:
            items = [i for i in golden.inputs() if not options["case"] or i.name in options["case"]]
            try:
                payload = golden.write(items)
            except FileNotFoundError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"wrote {golden.GOLDEN_FILE} ({len(payload['cases'])} cases)")
            return
        report = golden.check(options["case"])
        self.stdout.write(json.dumps(report, indent=1))
        if not report["ok"]:
            raise CommandError("golden outputs moved on this machine (or none could run)")
