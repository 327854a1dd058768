"""Train the linear head of ``audio.whisper_head`` on real vs synthetic speech.

    python manage.py train_audio_head [--data ../shared/data/audio] [--no-extra]

Reads the shared data's manifest (split by generator family and source, see
``detection.engine.audio.train.dataset``), adds speech made offline with espeak-ng / flite and
the alsa-utils voice prompts to the train split, picks the feature set and regularisation
by leave-one-family-out cross-validation inside the train split, fits the head on the
whole train split and writes ``detection/engine/audio/heads/whisper_head.json`` with its
provenance and held-out figures (test split, and leave-one-family-out over all families).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Train the audio head (Whisper-base encoder + spectral features) with held-out families."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, default=None, help="shared audio data folder")
        parser.add_argument("--out", type=Path, default=None, help="head JSON to write")
        parser.add_argument(
            "--no-extra", action="store_true", help="skip the espeak-ng/flite/alsa extras"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.audio.paths import HEAD_PATH
        from detection.engine.audio.train import dataset, extra_speech, fit

        root = options["data"] or dataset.data_dir()
        if not (root / "manifest.csv").is_file():
            raise CommandError(f"no manifest.csv in {root}: pass --data")
        out: Path = options["out"] or HEAD_PATH
        say = self.stdout.write
        clips = dataset.read_manifest(root)
        extra_clips: list[dataset.Clip] = []
        notes = ["extras skipped (--no-extra)"]
        if not options["no_extra"]:
            extra_clips, notes = extra_speech.generate()
        for note in notes:
            say(f"note: {note}")

        say(f"features of {len(clips) + len(extra_clips)} clips (cached after the first run)")
        items, skipped = fit.extract([*clips, *extra_clips], say)
        for s in skipped:
            say(f"skipped {s}")
        by_split = {s: [it for it in items if it.clip.split == s] for s in dataset.SPLITS}
        train = by_split["train"]
        manifest_shas = {c.sha256 for c in clips}
        manifest_items = [it for it in items if it.clip.sha256 in manifest_shas]

        say("choosing features and C by leave-one-family-out CV inside the train split")
        feature_id, c, table = fit.choose(train, say)
        say(f"chosen: {feature_id}, C={c}")
        head = fit.fit_head(train, feature_id, c)
        test_eval = fit.evaluate(head, by_split["test"])
        calibration_eval = fit.evaluate(head, by_split["calibration"])
        say(f"held-out test split: AUROC {test_eval['auroc']}")
        for fam, value in test_eval["per_family_auroc_vs_all_real"].items():
            say(f"  {fam}: {value}")
        say("leave-one-family-out over every family of the shared data (information only)")
        all_cv = fit.family_cv(manifest_items, feature_id, c)
        for fam, value in all_cv["per_family_auroc"].items():
            say(f"  {fam}: {value}")

        manifest_sha = hashlib.sha256((root / "manifest.csv").read_bytes()).hexdigest()
        head = fit.LinearHead(
            head.feature,
            head.mean,
            head.scale,
            head.coef,
            head.intercept,
            provenance={
                "what": "logistic regression on standardised window features; "
                "raw score = logit (higher = more AI-like); clip score = mean over windows",
                "command": "python manage.py " + " ".join(["train_audio_head", *sys.argv[2:]]),
                "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "data": {
                    "manifest": str(root / "manifest.csv"),
                    "manifest_sha256": manifest_sha,
                    "extras": sorted({c.source for c in extra_clips}),
                    "extra_clips": len(extra_clips),
                    "notes": notes,
                },
                "splits": {
                    "family_split": dataset.FAMILY_SPLIT,
                    "real_source_split": dataset.REAL_SOURCE_SPLIT,
                    "librispeech": "by speaker (stable hash): 60% train, 20% calibration, 20% test",
                    "counts": {
                        s: {
                            "ai": sum(it.clip.label for it in v),
                            "human": sum(1 - it.clip.label for it in v),
                        }
                        for s, v in by_split.items()
                    },
                },
                "skipped": skipped,
                "windows": "~4 s file windows (50% overlap) and up to "
                f"{fit.STREAM_LIMIT} live 2 s windows per clip, speech only (Silero VAD)",
                "selection": {"feature": feature_id, "C": c, "train_family_cv": table},
                "holdout": {
                    "test_split": test_eval,
                    "calibration_split": calibration_eval,
                    "leave_one_family_out_all_families": all_cv,
                },
            },
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        head.save(out)
        size_kb = out.stat().st_size / 1024
        say(self.style.SUCCESS(f"wrote {out} ({size_kb:.0f} KB)"))
