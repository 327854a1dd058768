"""The rule that turns a post's part results into one verdict (plain Python, no Django).

No labelled posts exist to learn a fusion from, so the rule is a documented one, the same
"any" rule the video detector uses for frames and soundtrack: a post is AI-made if any of
its parts is. Each part's verdict already sits at its detector's calibrated threshold (a
stated false-positive rate), so

- verdict ``ai`` if any completed part says ``ai``;
- ``human`` only if every part completed and says ``human`` (a failed or inconclusive
  part could be the AI one, so it leaves the post ``uncertain``);
- otherwise ``uncertain``;
- probability: the largest part probability. It is a lower bound on "at least one part is
  AI" and, unlike a noisy-OR, does not grow with the number of harmless parts, which would
  turn long posts into false positives.

Disagreements are pairs of completed parts whose verdicts are opposite (one ``ai``, one
``human``), listed most contradictory first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

RULE_NAME = "any_part"
RULE_TEXT = (
    "documented rule (no labelled post data to learn from): 'ai' if any part is 'ai'; "
    "'human' only if every part completed as 'human'; otherwise 'uncertain'; probability "
    "is the largest part probability"
)


@dataclass(frozen=True)
class PartOutcome:
    index: int
    role: str
    modality: str
    status: str  # queued | running | completed | failed
    verdict: str = ""
    probability_ai: float | None = None
    name: str = ""
    error: str = ""


@dataclass
class Fused:
    status: str
    verdict: str = ""
    probability_ai: float | None = None
    evidence: dict[str, Any] = field(default_factory=dict)


def _label(part: PartOutcome) -> str:
    what = part.role if part.role in ("caption",) else part.modality
    return f"{what} (part {part.index}{', ' + part.name if part.name else ''})"


def disagreements(parts: Sequence[PartOutcome]) -> list[dict[str, Any]]:
    done = [p for p in parts if p.status == "completed" and p.probability_ai is not None]
    found = []
    for i, a in enumerate(done):
        for b in done[i + 1 :]:
            if {a.verdict, b.verdict} != {"ai", "human"}:
                continue
            ai, human = (a, b) if a.verdict == "ai" else (b, a)
            gap = abs(float(a.probability_ai or 0) - float(b.probability_ai or 0))
            found.append(
                {
                    "parts": [ai.index, human.index],
                    "ai_part": ai.index,
                    "human_part": human.index,
                    "probability_gap": round(gap, 4),
                    "description": f"{_label(human)} looks human-made but {_label(ai)} looks "
                    "AI-made",
                }
            )
    return sorted(found, key=lambda d: -d["probability_gap"])


def post_status(parts: Sequence[PartOutcome]) -> str:
    if not parts:
        return "failed"
    statuses = [p.status for p in parts]
    if any(s in ("queued", "running") for s in statuses):
        return "running" if any(s != "queued" for s in statuses) else "queued"
    failed = statuses.count("failed")
    if failed == len(statuses):
        return "failed"
    return "completed_with_errors" if failed else "completed"


def fuse(parts: Sequence[PartOutcome]) -> Fused:
    """The post's status, and once every part has ended, its verdict and evidence."""
    status = post_status(parts)
    evidence: dict[str, Any] = {
        "fusion": {"rule": RULE_NAME, "learned": False, "description": RULE_TEXT},
        "disagreements": disagreements(parts),
        "errors": [
            {"part": p.index, "modality": p.modality, "reason": p.error or "failed"}
            for p in parts
            if p.status == "failed"
        ],
    }
    if status in ("queued", "running"):
        return Fused(status=status, evidence=evidence)
    done = [p for p in parts if p.status == "completed" and p.probability_ai is not None]
    if not done:
        return Fused(status=status, verdict="", probability_ai=None, evidence=evidence)
    probability = max(float(p.probability_ai or 0.0) for p in done)
    if any(p.verdict == "ai" for p in done):
        verdict = "ai"
    elif len(done) == len(parts) and all(p.verdict == "human" for p in done):
        verdict = "human"
    else:
        verdict = "uncertain"
    evidence["decided_by"] = [p.index for p in done if p.verdict == "ai"] or None
    return Fused(status=status, verdict=verdict, probability_ai=probability, evidence=evidence)
