"""The "How accurate is this?" page's figures: each default detector's held-out error
rates at its thresholds and its reliability diagram, straight from the calibration files."""

from __future__ import annotations

from typing import Any

from .calibration_files import Facts, ai_missed_at, default_detectors, human_flagged_at

# The reliability diagram's drawing box (SVG user units); the axes run 0..1.
PLOT = 240
MARGIN = 36
NOT_MEASURED = {
    "video.frames": "Video: each frame is scored by the image detectors with the image "
    "calibration; no labelled AI-made videos were available, so the video verdict itself "
    "has no measured error rates yet.",
}


def _pct(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.1f} %"


def _at(share: float | None) -> float | None:
    return None if share is None else 1.0 - share


def reliability_points(facts: Facts) -> list[dict[str, Any]]:
    """Bins as points in the SVG box: x = mean predicted P(AI), y = share actually AI."""
    biggest = max((int(b.get("n", 0)) for b in facts.reliability), default=1) or 1
    points = []
    for b in facts.reliability:
        p, frac, n = b.get("p_mean"), b.get("frac_ai"), int(b.get("n", 0))
        if not isinstance(p, int | float) or not isinstance(frac, int | float):
            continue
        points.append(
            {
                "x": round(MARGIN + p * PLOT, 1),
                "y": round(MARGIN + (1 - frac) * PLOT, 1),
                "r": round(2.5 + 5.5 * (n / biggest) ** 0.5, 1),
                "label": f"predicted {p * 100:.0f} %: {frac * 100:.0f} % of {n} were AI",
            }
        )
    return points


def section(facts: Facts) -> dict[str, Any]:
    rows = []
    if facts.ai_at is not None:
        flagged = human_flagged_at(facts, facts.ai_at)
        caught = _at(ai_missed_at(facts, facts.ai_at))
        rows.append(
            {
                "where": f"AI threshold ({facts.ai_at * 100:.1f} %)",
                "human": f"{_pct(flagged)} of human-made {facts.noun} are called AI-generated",
                "ai": f"{_pct(caught)} of AI-generated {facts.noun} are caught",
            }
        )
    if facts.human_below is not None:
        missed = ai_missed_at(facts, facts.human_below)
        cleared = _at(human_flagged_at(facts, facts.human_below))
        rows.append(
            {
                "where": f"Human threshold ({facts.human_below * 100:.1f} %)",
                "human": f"{_pct(cleared)} of human-made {facts.noun} are called human-made",
                "ai": f"{_pct(missed)} of AI-generated {facts.noun} are called human-made",
            }
        )
    points = reliability_points(facts)
    return {
        "anchor": facts.detector,
        "title": facts.title,
        "noun": facts.noun,
        "n_ai": facts.n_ai,
        "n_human": facts.n_human,
        "auroc": facts.auroc,
        "rows": rows,
        "data": facts.data,
        "date": facts.date,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in points),
        "plot": {"size": PLOT, "margin": MARGIN, "end": MARGIN + PLOT, "mid": MARGIN + PLOT / 2},
    }


def accuracy_sections() -> dict[str, Any]:
    return {
        "measured": [section(f) for f in default_detectors()],
        "not_measured": list(NOT_MEASURED.values()),
    }
