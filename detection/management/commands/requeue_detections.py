"""Re-queue jobs a lost worker left behind, now (the workers' sweep does the same on a timer).

Running jobs are re-queued only when their lease has lapsed (their worker stopped renewing
it, or was a process of this host that no longer exists): a job whose worker is alive is
never touched, however long it has run. Queued jobs are re-queued once older than
--older-than seconds (default DETECTION_REQUEUE_QUEUED_AFTER_S): their broker message may
have been lost.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from detection.services import detections_requeue_stale


class Command(BaseCommand):
    help = "Re-queue detections whose worker was lost (lapsed lease) or whose message was lost."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than",
            type=float,
            default=None,
            help="re-queue queued jobs created at least this many seconds ago",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count = detections_requeue_stale(queued_older_than_s=options["older_than"])
        self.stdout.write(f"re-queued {count} detection(s)")
