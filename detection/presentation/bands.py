"""Confidence bands and error-rate sentences from a detector's measured error rates.

"At this score, about N in 100 human texts of this kind are flagged" is read off the
held-out error-rate table in the calibration file: the share of human items that scored
at least this high (for an AI verdict) or of AI items that scored this low (for a human
one). The band follows that share, so "high confidence" means the detector was rarely
wrong this far out on its held-out data, not that the model felt sure.
"""

from __future__ import annotations

from .calibration_files import Facts, ai_missed_at, human_flagged_at

# Share of the other class seen this far out on held-out data, per band.
HIGH_AT = 0.01
MODERATE_AT = 0.05


def _in_100(share: float) -> str:
    n = share * 100
    if n < 1:
        return "fewer than 1 in 100"
    return f"about {round(n)} in 100"


def band_for(verdict: str, probability: float | None, facts: Facts | None) -> str:
    if verdict not in ("ai", "human") or probability is None:
        return "none"
    if facts is None:
        return "low"  # no measured error rates: never claim more
    share = (
        human_flagged_at(facts, probability)
        if verdict == "ai"
        else ai_missed_at(facts, probability)
    )
    if share is None:
        return "low"
    if share <= HIGH_AT:
        return "high"
    return "moderate" if share <= MODERATE_AT else "low"


def error_rate_sentence(verdict: str, probability: float | None, facts: Facts | None) -> str:
    """One plain sentence on how often this detector was wrong at this score."""
    if probability is None:
        return ""
    if facts is None or not facts.error_rates:
        return "This detector has no measured error rates on held-out data yet."
    noun = facts.noun
    flagged = human_flagged_at(facts, probability)
    missed = ai_missed_at(facts, probability)
    parts = []
    if verdict in ("ai", "uncertain") and flagged is not None:
        parts.append(
            f"At this score, {_in_100(flagged)} human-made {noun} in the detector's "
            f"held-out test scored as high or higher."
        )
    if verdict in ("human", "uncertain") and missed is not None:
        parts.append(
            f"At this score, {_in_100(missed)} AI-generated {noun} in the detector's "
            f"held-out test scored as low or lower."
        )
    return " ".join(parts)
