"""The labelled Fast-DetectGPT texts and their pair-wise split (numpy, stdlib).

Each file ``<domain>_<generator>.json`` holds 150 human texts (``original``) and 150
machine continuations of the same openings (``sampled``), paired by index. A pair's two
halves share their first ~20 words, and a few human texts recur in two files of one
domain *at the same index*; so the split unit is the pair index, the same for every
file: a pair's human and AI halves, and a repeated human text, always land on one side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ...weights import PROJECT_ROOT

FILES = (
    "xsum_davinci",
    "xsum_gpt-3.5-turbo",
    "xsum_gpt-4",
    "writing_davinci",
    "writing_gpt-3.5-turbo",
    "writing_gpt-4",
)
PAIRS_PER_FILE = 150
DEFAULT_DATA_DIR = PROJECT_ROOT.parent / "shared" / "data" / "text" / "fastdetectgpt"


@dataclass(frozen=True)
class Sample:
    file: str
    pair: int
    label: int  # 1 = AI (sampled), 0 = human (original)
    text: str


def load_samples(data_dir: Path, limit_per_file: int = PAIRS_PER_FILE) -> list[Sample]:
    samples: list[Sample] = []
    for name in FILES:
        data = json.loads((data_dir / f"{name}.json").read_text(encoding="utf-8"))
        pairs = zip(data["original"], data["sampled"], strict=True)
        for i, (human, ai) in enumerate(pairs):
            if i >= limit_per_file:
                break
            samples.append(Sample(name, i, 0, human))
            samples.append(Sample(name, i, 1, ai))
    return samples


def holdout_pairs(holdout_fraction: float, seed: int) -> set[int]:
    """Pair indices held out of calibration (a seeded permutation, same for every file)."""
    order = np.random.default_rng(seed).permutation(PAIRS_PER_FILE)
    return {int(i) for i in order[: round(holdout_fraction * PAIRS_PER_FILE)]}


def check_no_leak(calibration: list[Sample], holdout: list[Sample]) -> None:
    """No text may appear on both sides (e.g. a human text repeated across files)."""
    shared = {s.text for s in calibration} & {s.text for s in holdout}
    if shared:
        raise ValueError(f"{len(shared)} texts appear in both the calibration and hold-out sets")
