"""Rebuild the wider audio pool from fetched snapshots (data stays outside the project).

    python manage.py build_audio_pool --mirror /work/.mirror --out /work/datasets/audio/pool \
        [--shared ../shared/data/audio] [--check]

Reads each repository of ``detection/engine/audio/train/pool_sources.py`` from
``<mirror>/<owner>+<name>/repo`` (a bare git directory, as the fetch tool lays snapshots
out), selects, normalises and augments the clips and writes them with ``manifest.csv``
under ``--out``. ``--check`` compares the result with the committed manifest
(``train/pool_manifest.csv``): same clips, same source checksums.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

COMMITTED = Path(__file__).resolve().parents[2] / "engine" / "audio" / "train" / "pool_manifest.csv"


class Command(BaseCommand):
    help = "Build the audio pool (synthetic families + real sources) from fetched snapshots."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--mirror", type=Path, required=True, help="folder of fetched snapshots"
        )
        parser.add_argument("--out", type=Path, required=True, help="where the pool is written")
        parser.add_argument("--shared", type=Path, default=None, help="../shared/data/audio")
        parser.add_argument(
            "--check", action="store_true", help="compare with the committed manifest"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.audio.train.pool_build import build, read_manifest

        if not options["mirror"].is_dir():
            raise CommandError(f"{options['mirror']} is not a folder of snapshots")
        clips = build(options["mirror"], options["out"], options["shared"])
        self.stdout.write(f"{len(clips)} clips written to {options['out']}")
        if options["check"]:
            expected = {(c.clip_id, c.sha256) for c in read_manifest(COMMITTED)}
            got = {(c.clip_id, c.sha256) for c in clips}
            if expected != got:
                raise CommandError(
                    f"pool differs from {COMMITTED}: {len(expected - got)} missing, "
                    f"{len(got - expected)} unexpected"
                )
            self.stdout.write("matches the committed manifest")
