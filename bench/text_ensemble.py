"""Text ensemble: seconds per text at 130, 300, 1,000 and 10,000 words, and each part's share.

Each timed call is the whole ``detect()`` a user gets — input checks, every member's
extractor, the fusion and the per-sentence evidence — on texts made of Fast-DetectGPT
news and stories (../shared) joined to the wanted length. The first call (model loads,
compiled kernels) is not timed. Parts: ``lm_stats`` (Gemma pass: zero_shot + stats_head),
``embedding`` (MiniLM: embedding_head), ``surface`` (surface_head), and the rest (fusion,
sentence evidence, caveats). The machine's load average and CPU flags are printed: the
CPU may be shared, and figures move with it.

    .venv/bin/python bench/text_ensemble.py [--repeats 3] [--sizes 130,300,1000,10000]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def source_texts() -> list[str]:
    from detection.engine.text.train.fastdetectgpt import DEFAULT_DATA_DIR, load_samples

    samples = load_samples(DEFAULT_DATA_DIR, limit_per_file=40)
    return [s.text for s in samples]


def text_of(words: int, pieces: list[str], offset: int) -> str:
    out: list[str] = []
    k = offset
    while sum(len(p.split()) for p in out) < words:
        out.append(pieces[k % len(pieces)])
        k += 1
    joined = "\n\n".join(out).split(" ")
    return " ".join(joined[:words])


def cpu_flags() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return "unknown"
    wanted = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_int8", "amx_bf16")
    found = sorted({f for f in re.findall(r"\b\w+\b", text) if f in wanted})
    return " ".join(found) or "none of " + ",".join(wanted)


def timed(detector, text: str) -> dict[str, float]:
    """Seconds of one detect() call, split into the extractors' parts and the rest."""
    started = time.perf_counter()
    detector.detect(text)
    total = time.perf_counter() - started
    parts = {name: ms / 1000.0 for name, ms in detector.last_timings.items()}
    parts["fusion+evidence+checks"] = max(total - sum(parts.values()), 0.0)
    return parts | {"total": total}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--sizes", default="130,300,1000,10000")
    args = parser.parse_args()

    from detection.engine.text.ensemble import TextEnsembleDetector
    from detection.engine.text.train.run import zero_shot_detector

    pieces = source_texts()
    started = time.perf_counter()
    detector = TextEnsembleDetector(zero_shot=zero_shot_detector())
    detector.load()
    detector.detect(text_of(300, pieces, 0))  # warm-up: lazy loads, compiled kernels
    print(f"load + warm-up: {time.perf_counter() - started:.1f} s")
    print(f"members: {[m.name for m in detector.members or []]}")
    print(f"cpu threads: {os.cpu_count()}, flags: {cpu_flags()}")
    for size in (int(s) for s in args.sizes.split(",")):
        runs = [timed(detector, text_of(size, pieces, 7 * r + 1)) for r in range(args.repeats)]
        totals = [r["total"] for r in runs]
        load = os.getloadavg()[0]
        print(
            f"\n{size:>6} words: p50 {statistics.median(totals):.2f} s, "
            f"min {min(totals):.2f} s, max {max(totals):.2f} s ({args.repeats} runs, "
            f"load average {load:.1f})"
        )
        mean_total = statistics.mean(totals)
        for name in runs[0]:
            if name == "total":
                continue
            share = statistics.mean(r.get(name, 0.0) for r in runs) / mean_total
            print(f"  {name:<24}{100 * share:5.1f} %")


if __name__ == "__main__":
    main()
