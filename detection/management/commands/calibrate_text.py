"""Calibrate the zero-shot text detector on the Fast-DetectGPT human/AI texts.

    python manage.py calibrate_text [--data ../shared/data/text/fastdetectgpt]
        [--limit-per-file 100] [--max-tokens 128] [--dtype auto]
        [--compare-dtype float32 --compare-pairs 20]

Writes ``detection/engine/text/calibration/zero_shot.json`` (or ``--output``): the chosen
raw score, Platt parameters, the verdict cuts and the hold-out figures, with provenance.
The split is by pair index (see ``detection/engine/text/train/fastdetectgpt.py``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Calibrate the zero-shot text detector (Binoculars / Fast-DetectGPT)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--data", type=Path, default=None, help="fastdetectgpt folder")
        parser.add_argument("--output", type=Path, default=None, help="calibration JSON path")
        parser.add_argument(
            "--limit-per-file", type=int, default=100, help="pairs per file (at most 150)"
        )
        parser.add_argument(
            "--max-tokens", type=int, default=128, help="truncate each text to this many tokens"
        )
        parser.add_argument("--dtype", choices=("auto", "float32", "bfloat16"), default="auto")
        parser.add_argument("--holdout-fraction", type=float, default=0.4)
        parser.add_argument("--seed", type=int, default=20240501)
        parser.add_argument("--fpr", type=float, default=0.01, help="false-positive rate of ai_at")
        parser.add_argument("--batch", type=int, default=16, help="windows per model batch")
        parser.add_argument(
            "--compare-dtype",
            choices=("float32", "bfloat16"),
            default=None,
            help="also score part of the hold-out in this dtype and record the AUROC change",
        )
        parser.add_argument("--compare-pairs", type=int, default=20, help="hold-out pairs per file")

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.settings import TextSettings, current
        from detection.engine.text.choices import CALIBRATION_PATH
        from detection.engine.text.train import calibrate
        from detection.engine.text.train.fastdetectgpt import DEFAULT_DATA_DIR, FILES
        from detection.engine.text.zero_shot import ZeroShotTextDetector

        data_dir: Path = options["data"] or DEFAULT_DATA_DIR
        missing = [f for f in FILES if not (data_dir / f"{f}.json").is_file()]
        if missing:
            raise CommandError(f"{data_dir} lacks {missing}: pass --data")
        output: Path = options["output"] or CALIBRATION_PATH
        say = self.stdout.write
        base = current().text
        settings = TextSettings(
            **{**base.__dict__, "dtype": options["dtype"], "batch_windows": options["batch"]}
        )
        started = time.perf_counter()
        detector = ZeroShotTextDetector(settings)
        detector.load_models()
        say(
            f"models loaded ({detector.dtype_name}, {detector.device}) "
            f"in {time.perf_counter() - started:.0f} s"
        )
        command = "python manage.py " + " ".join(["calibrate_text", *sys.argv[2:]])
        result, hold = calibrate.run(
            detector,
            data_dir=data_dir,
            limit_per_file=options["limit_per_file"],
            max_tokens=options["max_tokens"],
            holdout_fraction=options["holdout_fraction"],
            seed=options["seed"],
            fpr=options["fpr"],
            command=command,
            log=say,
        )
        holdout = result.holdout
        if options["compare_dtype"] and options["compare_dtype"] != detector.dtype_name:
            other = ZeroShotTextDetector(
                TextSettings(**{**settings.__dict__, "dtype": options["compare_dtype"]})
            )
            say(
                f"re-scoring {options['compare_pairs']} hold-out pairs per file in "
                f"{options['compare_dtype']}"
            )
            holdout["dtype_check"] = calibrate.compare_dtype(
                other,
                hold,
                result.params["score"],
                options["compare_pairs"],
                options["max_tokens"],
                say,
            )
        import torch

        result.provenance["elapsed_s"] = round(time.perf_counter() - started)
        result.provenance["device"] = f"{detector.device}, {torch.get_num_threads()} torch threads"
        output.parent.mkdir(parents=True, exist_ok=True)
        result.save(output)
        say(
            json.dumps(
                {
                    "score": result.params["score"],
                    "ai_at": result.ai_at,
                    "human_below": result.human_below,
                },
                indent=2,
            )
        )
        say(
            json.dumps(
                {k: holdout[k] for k in ("overall", "operating_point", "per_file")}, indent=2
            )
        )
        if "dtype_check" in holdout:
            say(json.dumps(holdout["dtype_check"], indent=2))
        say(self.style.SUCCESS(f"wrote {output}"))
