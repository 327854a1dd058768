"""Zero-shot text detector: throughput, latency and memory on this machine.

Prints, in one run: texts/s and tokens/s at batch 1 (``detect``) and batch 8
(``detect_batch``) on 512-token inputs (511 text tokens + <bos>: exactly one model
window each), the latency of one 300-word text, the load time and the process's
resident memory (RSS) after loading. The first detection (warm-up) is not timed. The
machine's load average is printed too: the CPU may be shared.

    .venv/bin/python bench/text_detect.py [--repeats 3] [--dtype auto]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def corpus() -> str:
    from detection.engine.text.train.fastdetectgpt import DEFAULT_DATA_DIR, FILES

    parts = []
    for name in FILES:
        path = DEFAULT_DATA_DIR / f"{name}.json"
        if not path.is_file():
            sys.exit(f"shared text data not found at {DEFAULT_DATA_DIR}")
        data = json.loads(path.read_text(encoding="utf-8"))
        parts += data["original"][:20] + data["sampled"][:20]
    return "\n\n".join(parts)


def token_slices(detector, text: str, n_tokens: int, count: int) -> list[str]:
    """``count`` pieces of ``text`` of exactly ``n_tokens`` tokens each."""
    _, offsets = detector.load_models().tokenize(text)
    out = []
    for k in range(count):
        first, last = k * n_tokens, (k + 1) * n_tokens - 1
        piece = text[int(offsets[first][0]) : int(offsets[last][1])].strip()
        out.append(piece)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--dtype", default=None, help="auto | float32 | bfloat16")
    args = parser.parse_args()
    if args.dtype:
        os.environ["DETECTION_TEXT_DTYPE"] = args.dtype

    import torch

    from detection.engine.text.zero_shot import ZeroShotTextDetector

    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    rss_before = rss_mb()
    start = time.perf_counter()
    detector = ZeroShotTextDetector()
    detector.load()
    load_s = time.perf_counter() - start
    print(
        f"loaded in {load_s:.1f} s: dtype {detector.dtype_name}, scoring threads "
        f"{detector.scorer.threads or torch.get_num_threads()}, compiled statistics "
        f"{detector.scorer.compiled}, fused RMSNorms {detector.scorer.fused_norms}"
    )
    print(
        f"RSS after loading: {rss_mb():.0f} MB (python + imports before loading: "
        f"{rss_before:.0f} MB)"
    )

    text = corpus()
    pieces = token_slices(detector, text, 511, 8 * args.repeats + 1)
    detector.detect(pieces[-1])  # warm-up: first-call allocations

    for size in (1, 8):
        walls, cpus, tokens = [], [], 0
        for k in range(args.repeats):
            batch = pieces[size * k : size * k + size]
            wall, cpu = time.perf_counter(), time.process_time()
            results = detector.detect_batch(batch) if size > 1 else [detector.detect(batch[0])]
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            tokens = sum(r.evidence["tokens_scored"] for r in results)
        median = statistics.median(walls)
        print(
            f"batch {size} ({tokens // size} tokens/text): {size / median:.2f} texts/s, "
            f"{tokens / median:.0f} tokens/s (median of {args.repeats}; best "
            f"{tokens / min(walls):.0f}); CPU time {statistics.median(cpus) / tokens * 1000:.2f} "
            "ms/token (all threads)"
        )

    words = text.split()[:300]
    short = " ".join(words)
    times = []
    for _ in range(args.repeats):
        t = time.perf_counter()
        result = detector.detect(short)
        times.append(time.perf_counter() - t)
    print(
        f"one 300-word text ({result.evidence['tokens_scored']} tokens): "
        f"{statistics.median(times) * 1000:.0f} ms median latency "
        f"(best {min(times) * 1000:.0f} ms)"
    )
    print(f"RSS at the end: {rss_mb():.0f} MB")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
