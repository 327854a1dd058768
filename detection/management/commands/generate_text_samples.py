"""Generate AI-written text samples offline with the packaged SmolLM2-135M-Instruct.

    python manage.py generate_text_samples [--repeats 4] [--max-new-tokens 220]
        [--output detection/engine/text/data/smollm2.jsonl]

Each line of the output is one JSON record (text, label=1, source, domain, prompt, how it
was sampled). The committed file was made with the defaults; see the data README.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Generate AI-written samples with the packaged SmolLM2-135M-Instruct GGUF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeats", type=int, default=4, help="answers per prompt")
        parser.add_argument("--max-new-tokens", type=int, default=220)
        parser.add_argument("--batch", type=int, default=8)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--output", type=Path, default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        from detection.engine.text.train import generate
        from detection.engine.text.train.dataset import DATA_DIR

        output = options["output"] or DATA_DIR / "smollm2.jsonl"
        items = generate.prompts(options["repeats"], options["seed"])
        output.parent.mkdir(parents=True, exist_ok=True)
        with output.open("w", encoding="utf-8") as fh:
            for record in generate.generate(
                items,
                max_new_tokens=options["max_new_tokens"],
                batch=options["batch"],
                seed=options["seed"],
                log=lambda m: self.stdout.write(m),
            ):
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                fh.flush()
        self.stdout.write(f"wrote {len(items)} samples to {output}")
