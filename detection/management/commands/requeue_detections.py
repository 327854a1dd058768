"""Re-queue jobs left queued or running by a process that died.

Embedded mode runs it at every start (the in-process worker's jobs die with the server).
With Celery, acks_late already redelivers a dead worker's jobs; run this with
--older-than to recover jobs whose broker message was lost.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from detection.services import detections_requeue_stale


class Command(BaseCommand):
    help = "Re-queue detections stuck in queued/running."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            default=0.0,
            help="only jobs created at least this many seconds ago",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = detections_requeue_stale(older_than_s=options["older_than"])
        self.stdout.write(f"re-queued {count} detection(s)")
