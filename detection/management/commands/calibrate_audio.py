"""Calibrate the audio detectors and the ensemble on the shared data's calibration split.

    python manage.py calibrate_audio [--data ../shared/data/audio] [--only aasist]

Writes ``detection/engine/audio/calibration/{aasist,whisper_head}.json`` (whole files),
``*.stream.json`` (2 s live windows) and ``ensemble.json`` (voting weights and cuts), each
with its provenance and the held-out test-split figures. AASIST's own decision rule
(trained on ASVspoof 2019 LA) is also reported on both splits, to show how it transfers.
Run ``train_audio_head`` first: the head must exist before it can be calibrated.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Calibrate AASIST, the Whisper-feature head and the audio ensemble."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, default=None, help="shared audio data folder")
        parser.add_argument(
            "--only",
            choices=("aasist", "whisper_head"),
            default=None,
            help="calibrate one member only (the ensemble needs both)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.audio.aasist import AasistDetector
        from detection.engine.audio.paths import ENSEMBLE_PATH, HEAD_PATH, calibration_path
        from detection.engine.audio.train import calibrate, dataset
        from detection.engine.audio.whisper_head import WhisperHeadDetector
        from detection.engine.weights import sha256_file

        root = options["data"] or dataset.data_dir()
        if not (root / "manifest.csv").is_file():
            raise CommandError(f"no manifest.csv in {root}: pass --data")
        say = self.stdout.write
        clips = dataset.read_manifest(root)
        cal_clips = [c for c in clips if c.split == "calibration"]
        test_clips = [c for c in clips if c.split == "test"]
        provenance: dict[str, Any] = {
            "command": "python manage.py " + " ".join(["calibrate_audio", *sys.argv[2:]]),
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "data": str(root / "manifest.csv"),
            "manifest_sha256": hashlib.sha256((root / "manifest.csv").read_bytes()).hexdigest(),
            "calibration_split": {
                "families": sorted(
                    f for f, s in dataset.FAMILY_SPLIT.items() if s == "calibration"
                ),
                "real_sources": sorted({c.source for c in cal_clips if c.label == 0}),
            },
            "test_split": {
                "families": sorted(f for f, s in dataset.FAMILY_SPLIT.items() if s == "test"),
                "real_sources": sorted({c.source for c in test_clips if c.label == 0}),
            },
        }

        members: dict[str, Any] = {}
        if options["only"] in (None, "aasist"):
            aasist = AasistDetector()
            members["audio.aasist"] = (aasist, f"aasist-{aasist.variant}")
        if options["only"] in (None, "whisper_head"):
            if not HEAD_PATH.is_file():
                raise CommandError(f"{HEAD_PATH} is missing: run `manage.py train_audio_head`")
            head_key = f"whisper_head-{sha256_file(HEAD_PATH)[:12]}"
            members["audio.whisper_head"] = (WhisperHeadDetector(), head_key)

        cal_scored: dict[str, Any] = {}
        test_scored: dict[str, Any] = {}
        file_cals: dict[str, Any] = {}
        stream_cals: dict[str, Any] = {}
        for name, (detector, key) in members.items():
            say(f"{name}: scoring {len(cal_clips)} calibration + {len(test_clips)} test clips")
            detector.load_model()
            cal_scored[name], skipped = calibrate.score_clips(detector, cal_clips, key, say)
            test_scored[name], skipped_test = calibrate.score_clips(detector, test_clips, key, say)
            prov = {
                **provenance,
                "detector": name,
                "models": [m.id + "@" + m.revision for m in detector.models()],
                "skipped": skipped + skipped_test,
            }
            if name == "audio.aasist":
                prov["native_decision_rule"] = {
                    "calibration_split": calibrate.native_aasist_threshold(cal_scored[name]),
                    "test_split": calibrate.native_aasist_threshold(test_scored[name]),
                }
            for stream, store in ((False, file_cals), (True, stream_cals)):
                cal = calibrate.fit(cal_scored[name], test_scored[name], stream, prov)
                store[name] = cal
                path = calibration_path(detector.calibration_name, stream)
                path.parent.mkdir(parents=True, exist_ok=True)
                cal.save(path)
                say(f"  wrote {path.name}: {cal.provenance['summary']}")
                test = cal.holdout["test_split"]
                say(
                    f"    test: AUROC {test['auroc']}, EER {test['eer']}, "
                    f"FPR {test['false_positive_rate']}, TPR {test['true_positive_rate']}"
                )
                for fam, value in test["per_family_auroc"].items():
                    say(f"      {fam}: {value}")
            if name == "audio.aasist":
                say(f"  native rule: {json.dumps(prov['native_decision_rule'])}")

        if len(members) == 2:
            config = calibrate.fit_ensemble(
                {n: cal_scored[n] for n in members},
                {n: test_scored[n] for n in members},
                file_cals,
                stream_cals,
                provenance,
            )
            ENSEMBLE_PATH.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
            test = config["holdout"]["clips"]["test_split"]
            say(f"wrote {ENSEMBLE_PATH.name}: weights {config['weights']}")
            say(
                f"  test: AUROC {test['auroc']}, EER {test['eer']}, "
                f"FPR {test['false_positive_rate']}, TPR {test['true_positive_rate']}"
            )
            for fam, value in test["per_family_auroc"].items():
                say(f"    {fam}: {value}")
        say(self.style.SUCCESS("audio calibration done"))
