"""Run the ensemble's extractors over the scored pool subset, cached on disk.

``python -m detection.engine.text.train.pool_features --pool /work/datasets/text
--shard 0/2`` scores every second text (two processes share a 2-core machine); the arrays
land in the extractors' ``FeatureCache`` (content-addressed, so shards, reruns and other
commands share them) and a crash costs only the chunk in flight.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from .pool import load_pool
from .pool_sample import sample, stable_share


def write_scored(pool_dir: Path) -> Path:
    """The scored subset as JSONL (the training and evaluation commands read it)."""
    chosen = sample(load_pool(pool_dir))
    path = pool_dir / "scored.jsonl"
    with path.open("w") as fh:
        for record in chosen:
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def load_scored(pool_dir: Path) -> list[dict]:
    with (pool_dir / "scored.jsonl").open() as fh:
        return [json.loads(line) for line in fh]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pool", type=Path, required=True)
    parser.add_argument("--shard", default="0/1")
    parser.add_argument("--extractors", default="lm_stats,embedding")
    args = parser.parse_args()
    k, n = (int(x) for x in args.shard.split("/"))
    if not (args.pool / "scored.jsonl").is_file():
        write_scored(args.pool)
    # A stable shuffle: a run stopped early has scored a fair share of every source.
    ordered = sorted(load_scored(args.pool), key=lambda r: stable_share("order|" + r["id"]))
    records = ordered[k::n]
    texts = [r["scored_text"] for r in records]

    import torch

    torch.set_num_threads(1)
    from ..members.extractors import (
        EmbeddingExtractor,
        Extractor,
        FeatureCache,
        LmStatsExtractor,
        extract_cached,
    )

    for name in args.extractors.split(","):
        extractor: Extractor
        if name == "lm_stats":
            from .run import zero_shot_detector

            extractor = LmStatsExtractor(zero_shot_detector())
        else:
            extractor = EmbeddingExtractor()
        extractor.load()
        cache = FeatureCache(extractor.name, extractor.version)
        started = time.perf_counter()
        for i in range(0, len(texts), 16):
            extract_cached(extractor, texts[i : i + 16], cache, batch=4)
            print(
                f"{name} shard {k}/{n}: {min(i + 16, len(texts))}/{len(texts)} "
                f"({time.perf_counter() - started:.0f} s, load {os.getloadavg()[0]:.1f})",
                flush=True,
            )


if __name__ == "__main__":
    main()
