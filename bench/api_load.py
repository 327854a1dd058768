"""Load on the whole production path: daphne + Postgres + Redis + a real Celery worker.

Starts its own stack on loopback (tests/production/stack.py: a throwaway Postgres
cluster, its own redis-server, daphne, one worker), then N closed-loop clients each submit
a text over the API, wait for its result, and submit the next, for a bounded time.
Prints submit latency p50/p95, completed jobs/s and lost jobs, for each configuration:

  before   prefork pool, 1 process, no batching, no result cache (the previous setup)
  threads  thread pool (8), no batching, no cache (separates concurrency from batching)
  after    thread pool (8), dynamic batching (up to 8, 25 ms), result cache on
  cached   as "after", but clients resend a few texts: the result cache answers them

Inputs are real and each is sent once in "before" and "after" (so the cache cannot help
there): ``--modality text`` sends human and GPT-written news paragraphs, ``--modality image``
uploads AI-generated and real photos, both from ../shared/data. The server runs its default
detector for the modality unless --detector names another.

  .venv/bin/python bench/api_load.py --modality image --clients 4 --duration 60
"""

from __future__ import annotations

import argparse
import itertools
import json
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.production.load import LoadRun
from tests.production.stack import Stack, missing_tools

ROOT = Path(__file__).resolve().parents[1]
CONFIGS: dict[str, dict[str, object]] = {
    "before": {"pool": "prefork", "concurrency": 1, "batch": "1", "cache": "off"},
    "threads": {"pool": "threads", "concurrency": 8, "batch": "1", "cache": "off"},
    "after": {"pool": "threads", "concurrency": 8, "batch": "8", "cache": "global"},
    "cached": {"pool": "threads", "concurrency": 8, "batch": "8", "cache": "global"},
}


def real_texts(limit_words: int = 120) -> list[str]:
    data = ROOT.parent / "shared" / "data" / "text" / "fastdetectgpt"
    texts: list[str] = []
    for path in sorted(data.glob("xsum_*.json")):
        pairs = json.loads(path.read_text())
        for human, machine in zip(pairs["original"], pairs["sampled"], strict=True):
            for text in (human, machine):
                words = text.split()
                if len(words) >= 50:
                    texts.append(" ".join(words[:limit_words]))
    if not texts:
        raise SystemExit(f"no texts found under {data} (the shared data folder is needed)")
    return list(dict.fromkeys(texts))  # distinct, in a fixed order


def real_images(limit: int = 600) -> list[Path]:
    data = ROOT.parent / "shared" / "data" / "image"
    files = [
        p for p in sorted(data.rglob("*"))
        if p.suffix.lower() in (".png", ".jpg", ".jpeg", ".webp") and p.stat().st_size < 8 << 20
    ]  # fmt: skip
    if not files:
        raise SystemExit(f"no images found under {data} (the shared data folder is needed)")
    # Interleave AI and real so every run sees both kinds.
    ai = [p for p in files if "/ai/" in str(p)]
    real = [p for p in files if "/real/" in str(p)]
    mixed = [p for pair in itertools.zip_longest(ai, real) for p in pair if p is not None]
    return mixed[:limit]


def batch_stats(stack: Stack) -> dict[str, float]:
    """How many detect_batch calls the worker made and their mean size (from /metrics)."""
    text = requests.get(
        f"{stack.base}/metrics", headers={"Authorization": "Bearer stack-metrics-token"}, timeout=10
    ).text
    total = {"_sum": 0.0, "_count": 0.0}
    for line in text.splitlines():
        for suffix in total:
            if line.startswith(f"aidetect_batch_size{suffix}{{"):
                total[suffix] += float(line.rsplit(" ", 1)[1])
    calls = total["_count"]
    return {"calls": calls, "mean_size": round(total["_sum"] / calls, 2) if calls else 0.0}


def run_config(name: str, args: argparse.Namespace, texts: list[Any]) -> dict[str, object]:
    config = CONFIGS[name]
    env = {
        "DETECTION_BATCH_MAX_SIZE": str(config["batch"]),
        "DETECTION_BATCH_WAIT_MS": str(args.batch_wait_ms),
        "DETECTION_RESULT_CACHE": str(config["cache"]),
        "THROTTLE_SUBMIT": "1000000/min",
        "THROTTLE_USER": "1000000/min",
        "THROTTLE_TOKEN": "1000000/min",
        "LOG_LEVEL": "WARNING",
    }
    env.update(item.split("=", 1) for item in args.env)  # type: ignore[misc]
    if args.detector:
        env["DETECTION_DEFAULT_DETECTORS"] = f"{args.modality}={args.detector}"
        if args.detector.startswith("testing."):
            env["DETECTION_EXTRA_SPECS"] = "tests.production.detectors"
    stack = Stack(env=env)
    try:
        concurrency = int(str(config["concurrency"]))
        stack.start(workers=1, pool=str(config["pool"]), concurrency=concurrency)
        token = stack.make_token("bench")
        pool = texts[:4] if name == "cached" else texts
        source: Callable[[], Iterator[Any]]
        if name == "cached":
            source = lambda: itertools.cycle(pool)  # noqa: E731
        else:
            offset = 0 if name == "before" else len(texts) // 2  # different texts per run
            source = lambda: iter(pool[offset:] + pool[:offset])  # noqa: E731
        # One job first: the worker loads the model (not part of the measurement).
        warm = LoadRun(stack.base, [token], lambda: iter(pool[-1:]), clients=1, duration_s=600,
                       wait_for_result=True, max_jobs=1).run()  # fmt: skip
        assert warm.finished, "warm-up job did not finish"
        load = LoadRun(stack.base, [token], source, clients=args.clients,
                       duration_s=args.duration, wait_for_result=True).run()  # fmt: skip
        accepted = load.accepted
        statuses = stack.statuses(accepted)
        completed = [i for i in accepted if statuses.get(i, ("", 0))[0] == "completed"]
        failed = [i for i in accepted if statuses.get(i, ("", 0))[0] == "failed"]
        lost = len(accepted) - len(completed) - len(failed)
        last = max((at for _, at in load.finished.values()), default=args.duration)
        p50, p95 = load.latency_percentiles()
        batches = batch_stats(stack)
        hits = stack.pg.query(
            "SELECT count(*) FROM detection_detection WHERE timings->>'cache_hit' = 'true'"
        )[0][0]
        return {
            "config": name,
            "pool": f"{config['pool']} x{config['concurrency']}",
            "batch": f"{config['batch']} / {args.batch_wait_ms:.0f} ms",
            "cache": config["cache"],
            "submitted": len(load.submissions),
            "accepted": len(accepted),
            "completed": len(completed),
            "failed": len(failed),
            "lost": lost,
            "cache_hits": hits,
            "batches": batches,
            "jobs_per_s": round(len(completed) / last, 3),
            "submit_p50_ms": round(p50 * 1000, 1),
            "submit_p95_ms": round(p95 * 1000, 1),
            "codes": load.codes(),
        }
    finally:
        stack.close()


def _stop(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds through run_config's finally: the stack stops


def main() -> None:
    signal.signal(signal.SIGTERM, _stop)
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load per config")
    parser.add_argument("--configs", default="before,after,cached")
    parser.add_argument("--modality", choices=["text", "image"], default="text")
    parser.add_argument(
        "--batch-wait-ms",
        type=float,
        default=25.0,
        help="DETECTION_BATCH_WAIT_MS: suit it to the model's batch time (CPU: hundreds of ms)",
    )
    parser.add_argument("--detector", default="", help="the detector to make the default")
    parser.add_argument(
        "--env", action="append", default=[], help="KEY=VALUE for the stack's processes"
    )
    args = parser.parse_args()
    reason = missing_tools()
    if reason:
        raise SystemExit(f"cannot start a stack here: {reason}")
    inputs: list[Any] = real_texts() if args.modality == "text" else real_images()
    print(
        f"{len(inputs)} distinct {args.modality} inputs; {args.clients} clients; "
        f"{args.duration:.0f} s per config",
        flush=True,
    )
    rows = []
    for name in args.configs.split(","):
        started = time.monotonic()
        row = run_config(name.strip(), args, inputs)
        rows.append(row)
        print(json.dumps(row), f"({time.monotonic() - started:.0f} s)", flush=True)
    print()
    print(
        f"{'config':8} {'pool':12} {'jobs/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'done':>5} {'lost':>5} {'hits':>5}"
    )
    for r in rows:
        print(
            f"{r['config']:8} {r['pool']:12} {r['jobs_per_s']:>7} {r['submit_p50_ms']:>7} "
            f"{r['submit_p95_ms']:>7} {r['completed']:>5} {r['lost']:>5} {r['cache_hits']:>5}"
        )


if __name__ == "__main__":
    main()
