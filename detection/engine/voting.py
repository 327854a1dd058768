"""Ensemble voting over member results: weighted, majority or unanimous.

- weighted: probability is the weighted mean of members' calibrated probabilities;
  the verdict follows the given cuts.
- majority: the verdict most members gave (ties -> uncertain); probability is the mean.
- unanimous: ``ai`` or ``human`` only when every member agrees, else ``uncertain``
  (the conservative choice for low false-positive use).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Literal

from .result import DetectionResult, Verdict

VotingMethod = Literal["weighted", "majority", "unanimous"]
VOTING_METHODS: tuple[VotingMethod, ...] = ("weighted", "majority", "unanimous")


def vote(
    members: Sequence[DetectionResult],
    method: VotingMethod = "weighted",
    weights: Mapping[str, float] | None = None,
    ai_at: float = 0.5,
    human_below: float = 0.5,
) -> tuple[Verdict, float]:
    """Return (verdict, probability_ai) for the members under the chosen method."""
    if not members:
        raise ValueError("an ensemble needs at least one member result")
    if method not in VOTING_METHODS:
        raise ValueError(f"unknown voting method {method!r}; use one of {VOTING_METHODS}")
    w = [float((weights or {}).get(m.detector, 1.0)) for m in members]
    if sum(w) <= 0:
        raise ValueError("ensemble weights must sum to a positive number")
    probability = sum(wi * m.probability_ai for wi, m in zip(w, members, strict=True)) / sum(w)
    if method == "weighted":
        if probability >= ai_at:
            return "ai", probability
        if probability < human_below:
            return "human", probability
        return "uncertain", probability
    verdicts = [m.verdict for m in members]
    if method == "unanimous":
        first = verdicts[0]
        return (first if all(v == first for v in verdicts) else "uncertain"), probability
    counts = Counter(verdicts).most_common()
    if len(counts) > 1 and counts[0][1] == counts[1][1]:
        return "uncertain", probability
    return counts[0][0], probability
