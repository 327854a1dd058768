"""Text ensemble: texts/s and each member's share of the cost, at batch 1 and batch 8.

The members run through three extractors: the zero-shot language model's pass (shared by
the zero-shot member and the statistics head), llm-detector (style member) and MiniLM
(embedding head); fusion and evidence are the rest. Texts are held-out paragraphs of about
130 words (modern assistant prose and Fast-DetectGPT news). The first detection (warm-up)
is not timed. The machine's load average is printed: the CPU may be shared.

    .venv/bin/python bench/text_ensemble.py [--texts 8] [--repeats 2]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def texts(n: int) -> list[str]:
    from detection.engine.text.train import dataset

    modern = [it.text for it in dataset.assistant_style_items() if it.holdout]
    news = [it.text for it in dataset.fdg_items(None, 0, 10) if it.source.startswith("fdg_xsum")]
    mixed = [t for pair in zip(modern, news, strict=False) for t in pair] or modern
    if len(mixed) < n:
        sys.exit(f"only {len(mixed)} held-out texts found")
    return mixed[:n]


def run(detector, batch: list[str]) -> dict[str, float]:
    """Seconds per part for one call over ``batch`` (the detector's own steps)."""
    from detection.engine.text.caveats import assess
    from detection.engine.text.fusion_model import default_method

    started = time.perf_counter()
    arrays, timings = detector.extract(batch)
    extracted = time.perf_counter()
    for i, text in enumerate(batch):
        per_text = {name: rows[i] for name, rows in arrays.items()}
        detector.result(text, per_text, assess(text), default_method(), timings)
    done = time.perf_counter()
    parts = {name: ms / 1000.0 for name, ms in timings.items()}
    parts["fusion+evidence"] = done - extracted
    parts["total"] = done - started
    return parts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--texts", type=int, default=8)
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()

    from detection.engine.text.ensemble import TextEnsembleDetector
    from detection.engine.text.train.run import zero_shot_detector

    sample = texts(args.texts)
    words = statistics.mean(len(t.split()) for t in sample)
    started = time.perf_counter()
    detector = TextEnsembleDetector(zero_shot=zero_shot_detector())
    detector.load()
    run(detector, sample[:1])  # warm-up: lazy loads, compiled kernels
    print(f"load + warm-up: {time.perf_counter() - started:.1f} s")
    print(f"cpu threads: {os.cpu_count()}, load average: {os.getloadavg()[0]:.1f}")
    print(f"{len(sample)} texts of {words:.0f} words on average\n")

    for batch_size in (1, 8):
        totals: dict[str, float] = {}
        count = 0
        for _ in range(args.repeats):
            for i in range(0, len(sample), batch_size):
                chunk = sample[i : i + batch_size]
                for name, seconds in run(detector, chunk).items():
                    totals[name] = totals.get(name, 0.0) + seconds
                count += len(chunk)
        total = totals.pop("total")
        print(
            f"batch {batch_size}: {count / total:.2f} texts/s ({1000 * total / count:.0f} ms/text)"
        )
        for name, seconds in sorted(totals.items(), key=lambda kv: -kv[1]):
            members = {
                "lm_stats": "zero_shot + stats_head",
                "style": "style",
                "embedding": "embedding_head",
            }.get(name, "")
            print(f"  {name:<16}{100 * seconds / total:5.1f} %  {members}")
        print()


if __name__ == "__main__":
    main()
