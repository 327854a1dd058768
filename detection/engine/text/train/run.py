"""Running the ensemble over labelled items with cached extractor arrays (no Django).

Shared by ``train_text_members``, ``train_text_fusion`` and ``evaluate_text``: the
extractors' arrays come from ``featurize`` (cached on disk), and each item's member
results and fused results come from the same code the detector runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..ensemble import TextEnsembleDetector
from ..fusion_model import FUSION_METHODS, LearnedFusion
from ..members.extractors import (
    Arrays,
    EmbeddingExtractor,
    Extractor,
    LmStatsExtractor,
    StyleExtractor,
)
from ..members.members import Member
from .dataset import Item
from .evaluate import Scored
from .fit import Log, featurize


def zero_shot_detector() -> Any:
    """A zero-shot detector with its models loaded (its calibration is not needed here)."""
    from ..zero_shot import ZeroShotTextDetector

    detector = ZeroShotTextDetector()
    detector.load_models()
    return detector


def make_extractors(names: Sequence[str], zero_shot: Any = None) -> list[Extractor]:
    out: list[Extractor] = []
    for name in dict.fromkeys(names):
        if name == "lm_stats":
            out.append(LmStatsExtractor(zero_shot or zero_shot_detector()))
        elif name == "style":
            out.append(StyleExtractor())
        elif name == "embedding":
            out.append(EmbeddingExtractor())
        else:
            raise ValueError(f"unknown extractor {name!r}")
    for ex in out:
        ex.load()
    return out


def arrays_for(
    items: Sequence[Item], members: Sequence[Member], log: Log, zero_shot: Any = None
) -> tuple[dict[str, list[Arrays]], list[Extractor]]:
    extractors = make_extractors([m.extractor for m in members], zero_shot)
    return featurize(items, extractors, log), extractors


def score_items(
    items: Sequence[Item],
    arrays: dict[str, list[Arrays]],
    members: list[Member],
    fusion: LearnedFusion,
    extractors: Sequence[Extractor],
) -> list[Scored]:
    detector = TextEnsembleDetector(members=members, fusion=fusion)
    detector.extractors = {ex.name: ex for ex in extractors}
    out = []
    for i, item in enumerate(items):
        per_text = {name: rows[i] for name, rows in arrays.items()}
        results, _ = detector.member_results(item.text, per_text, {})
        fused: dict[str, tuple[str, float]] = {}
        for method in FUSION_METHODS:
            f = fusion.fuse(results, method)
            fused[method] = (f.verdict, f.probability)
        out.append(Scored(item, results, fused))
    return out
