"""Fuse the results of several modalities of one piece of media, and flag disagreement.

Methods (``options["fusion"]`` or ``DETECTION_FUSION_METHOD``):

- ``any`` (default): the media is AI-made if any modality is. A real video with a cloned
  voice is still a fake; probability is the largest member probability, and the verdict is
  ``ai`` if any member says ``ai``, ``human`` only if every member says ``human``.
- ``weighted``, ``majority``, ``unanimous``: engine/voting.py over the members.

Cross-modal disagreement (one modality says ``ai`` while another says ``human``, or their
probabilities are ``DISAGREEMENT_GAP`` or more apart) is reported as an explicit flag with a
sentence a person can read, e.g. "frames look real but the voice looks synthetic".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, cast

from .. import settings
from ..errors import InputRejected
from ..result import DetectionResult, Modality, Verdict
from ..voting import VOTING_METHODS, VotingMethod, vote

FUSION_METHODS = ("any", *VOTING_METHODS)
DISAGREEMENT_GAP = 0.5

_LOOKS = {
    "ai": {"video": "the frames look AI-made", "audio": "the voice looks synthetic"},
    "human": {"video": "the frames look real", "audio": "the voice looks real"},
}


def _what(member: DetectionResult) -> str:
    modality = "audio" if member.modality == "audio" else "video"
    looks = _LOOKS.get(member.verdict)
    if looks is None:
        return f"the {'voice' if modality == 'audio' else 'frames'} are inconclusive"
    return looks[modality]


def disagreement(members: Sequence[DetectionResult]) -> dict[str, Any]:
    """Whether the modalities contradict each other, and how, in words."""
    flagged = False
    pairs = []
    for i, a in enumerate(members):
        for b in members[i + 1 :]:
            opposite = {a.verdict, b.verdict} == {"ai", "human"}
            gap = abs(a.probability_ai - b.probability_ai)
            if opposite or gap >= DISAGREEMENT_GAP:
                flagged = True
                pairs.append(
                    {
                        "between": [a.detector, b.detector],
                        "probability_gap": round(gap, 4),
                        "description": f"{_what(a)} but {_what(b)}",
                    }
                )
    return {"flag": flagged, "pairs": pairs}


def method_from(options: Mapping[str, Any] | None) -> str:
    method = (options or {}).get("fusion") or settings.current().video.fusion_method
    if method not in FUSION_METHODS:
        raise InputRejected(f"unknown fusion method {method!r}; use one of {FUSION_METHODS}")
    return str(method)


def fuse(
    members: Sequence[DetectionResult],
    *,
    detector: str,
    modality: Modality = "video",
    method: str = "any",
    weights: Mapping[str, float] | None = None,
    ai_at: float = 0.5,
    human_below: float = 0.5,
    evidence: dict[str, Any] | None = None,
    warnings: Sequence[str] = (),
) -> DetectionResult:
    if not members:
        raise ValueError("fusion needs at least one member result")
    verdict: Verdict
    if method == "any":
        verdicts = {m.verdict for m in members}
        probability = max(m.probability_ai for m in members)
        if "ai" in verdicts:
            verdict = "ai"
        elif verdicts == {"human"}:
            verdict = "human"
        else:
            verdict = "uncertain"
    else:
        verdict, probability = vote(
            members, cast(VotingMethod, method), weights, ai_at=ai_at, human_below=human_below
        )
    cross = disagreement(members)
    merged = dict(evidence or {})
    merged["fusion"] = {
        "method": method,
        "members": [m.detector for m in members],
        "cross_modal_disagreement": cross["flag"],
        "disagreements": cross["pairs"],
    }
    merged["cross_modal_disagreement"] = cross["flag"]
    return DetectionResult(
        modality=modality,
        detector=detector,
        verdict=verdict,
        probability_ai=float(probability),
        raw_score=float(probability),
        threshold=None,
        models=list(dict.fromkeys(ref for m in members for ref in m.models)),
        elapsed_ms=float(sum(m.elapsed_ms for m in members)),
        evidence=merged,
        members=list(members),
        warnings=[*warnings, *[w for m in members for w in m.warnings]],
    )
