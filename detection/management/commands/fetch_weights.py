"""Download the pinned weight files that no package ships, checking each sha256.

Nothing in the project downloads at import or detection time; an operator runs this once
on a machine that is online (or copies the files into DETECTION_WEIGHTS_DIR by hand).
"""

from __future__ import annotations

import importlib
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

# "module:attribute" of each dict[str, PinnedFile] that detectors read through the resolver.
MANIFESTS = [
    "detection.engine.audio.aasist_weights:WEIGHTS",
    "detection.engine.audio.rawgat:ALL_WEIGHTS",
]


def pinned_files() -> dict[str, Any]:
    files: dict[str, Any] = {}
    for manifest in MANIFESTS:
        module_name, _, attribute = manifest.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        for pinned in getattr(module, attribute).values():
            files[pinned.relpath] = pinned
    return files


class Command(BaseCommand):
    help = "Download pinned model weights into DETECTION_WEIGHTS_DIR (sha256-checked)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="only report what is present")

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.errors import ModelUnavailable
        from detection.engine.weights import fetch, require_file, weights_dir

        self.stdout.write(f"weights directory: {weights_dir()}")
        missing = 0
        for relpath, pinned in sorted(pinned_files().items()):
            try:
                require_file(pinned)
                self.stdout.write(f"ok       {relpath}")
                continue
            except ModelUnavailable:
                pass
            if options["check"]:
                missing += 1
                self.stdout.write(f"missing  {relpath} (sha256 {pinned.sha256})")
                continue
            try:
                fetch(pinned)
            except (ModelUnavailable, OSError) as exc:
                raise CommandError(f"could not fetch {relpath}: {exc}") from exc
            self.stdout.write(f"fetched  {relpath}")
        if missing:
            raise CommandError(f"{missing} weight file(s) missing")
