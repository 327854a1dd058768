"""The three verdicts' fixed plain names and colours, and the confidence bands' names."""

from __future__ import annotations

from typing import Any

# One name per verdict on every page, whatever the modality: a page that says "Not AI"
# where another says "Likely written by a person" makes people think they differ.
VERDICTS: dict[str, dict[str, str]] = {
    "ai": {
        "label": "Likely AI-generated",
        "short": "AI",
        "colour": "#b3261e",
        "tint": "#fbe3e0",
        "meaning": "the calibrated score is past this detector's AI threshold",
    },
    "human": {
        "label": "Likely human-made",
        "short": "Human",
        "colour": "#1e6b3a",
        "tint": "#e0f2e6",
        "meaning": "the calibrated score is below this detector's human threshold",
    },
    "uncertain": {
        "label": "Uncertain",
        "short": "Uncertain",
        "colour": "#5c5f70",
        "tint": "#ececf2",
        "meaning": "the score lies between the thresholds, or the detectors disagree: "
        "no confident answer either way",
    },
}
NO_VERDICT = "No verdict"

# Confidence bands: from the detector's measured error rate at this score (see bands.py).
BANDS: dict[str, str] = {
    "high": "High confidence",
    "moderate": "Moderate confidence",
    "low": "Low confidence",
    "none": "No confident answer",
}


def verdict_label(verdict: str | None) -> str:
    entry = VERDICTS.get(verdict or "")
    return entry["label"] if entry else NO_VERDICT


def vocabulary() -> dict[str, Any]:
    """What the browser scripts need to say and colour things the same way (json_script)."""
    return {"verdicts": VERDICTS, "bands": BANDS, "no_verdict": NO_VERDICT}
