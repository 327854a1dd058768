"""One detection read for people: the verdict shown, its band, the cuts the evidence is
coloured with, member disagreement and "why this verdict"."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .bands import band_for, error_rate_sentence
from .calibration_files import Facts, facts_for
from .vocabulary import BANDS, VERDICTS, verdict_label
from .why import cannot_see, strongest_signals

Cuts = tuple[float, float]  # (ai_at, human_below)


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def text_cuts(evidence: Mapping[str, Any]) -> Cuts | None:
    """The cuts the text fusion applied: its length band for this text's word count."""
    fusion = _mapping(evidence.get("fusion"))
    ai_at, human_below = _num(fusion.get("ai_at")), _num(fusion.get("human_below"))
    words = _num(_mapping(evidence.get("input")).get("words"))
    bands = fusion.get("by_length")
    if words is not None and isinstance(bands, list):
        for entry in sorted(
            (b for b in bands if isinstance(b, Mapping)),
            key=lambda b: _num(b.get("min_words")) or 0,
        ):
            if words >= (_num(entry.get("min_words")) or 0):
                ai_at, human_below = _num(entry.get("ai_at")), _num(entry.get("human_below"))
    if ai_at is None or human_below is None:
        return None
    return ai_at, human_below


def verdict_cuts(detection: Mapping[str, Any], facts: Facts | None) -> Cuts | None:
    evidence = _mapping(detection.get("evidence"))
    if detection.get("modality") == "text":
        cuts = text_cuts(evidence)
        if cuts:
            return cuts
    voting = _mapping(evidence.get("voting"))
    ai_at, human_below = _num(voting.get("ai_at")), _num(voting.get("human_below"))
    if ai_at is not None and human_below is not None:
        return ai_at, human_below
    if facts and facts.ai_at is not None and facts.human_below is not None:
        return facts.ai_at, facts.human_below
    return None


def members_of(detection: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    members = _mapping(detection.get("results")).get("members")
    return [m for m in members if isinstance(m, Mapping)] if isinstance(members, list) else []


def detector_name(detector: str) -> str:
    """'audio.voice.families' -> 'the voice families detector' (no code names in prose)."""
    parts = detector.split(".")
    words = " ".join(parts[1:] or parts).replace("_", " ")
    return f"the {words} detector"


def disagreement(detection: Mapping[str, Any]) -> str:
    """A sentence when some member detectors call it AI and others human, else ""."""
    calls = [(str(m.get("detector", "")), m.get("verdict")) for m in members_of(detection)]
    calls = [(name, v) for name, v in calls if v in VERDICTS]
    if not {"ai", "human"} <= {v for _, v in calls}:
        return ""
    said = "; ".join(f"{detector_name(name)} says “{verdict_label(v)}”" for name, v in calls)
    return f"The detectors disagree: {said}."


def shown_verdict(detection: Mapping[str, Any], cuts: Cuts | None) -> tuple[str, str]:
    """(verdict to show, why it differs from the stored one or ""). A confident verdict is
    shown as uncertain when its probability sits inside the uncertain band, or when no
    member detector shares it: a headline never claims more than the evidence."""
    verdict = str(detection.get("verdict") or "")
    if verdict not in ("ai", "human"):
        return verdict, ""
    p = _num(detection.get("probability_ai"))
    if cuts is not None and p is not None and cuts[1] <= p < cuts[0]:
        return "uncertain", "its score lies between this detector's thresholds"
    calls = [m.get("verdict") for m in members_of(detection) if m.get("verdict") in VERDICTS]
    if calls and verdict not in calls:
        return "uncertain", "none of the member detectors gave that answer on its own"
    return verdict, ""


def reading_for(detection: Mapping[str, Any]) -> dict[str, Any]:
    """The reading of a detection (serialized row: modality, verdict, probability_ai,
    detector, results, evidence, warnings, status)."""
    if detection.get("status") not in (None, "completed") or not detection.get("verdict"):
        return {"verdict": "", "label": verdict_label(None)}
    detector = str(detection.get("detector") or "")
    facts = facts_for(detector)
    cuts = verdict_cuts(detection, facts)
    verdict, downgraded = shown_verdict(detection, cuts)
    p = _num(detection.get("probability_ai"))
    band = band_for(verdict, p, facts)
    evidence = _mapping(detection.get("evidence"))
    item_cuts: dict[str, dict[str, float]] = {}
    if cuts and detection.get("modality") == "text":
        item_cuts["sentences"] = {"ai_at": cuts[0], "human_below": cuts[1]}
    for kind, (a, h) in facts.item_cuts.items() if facts else ():
        item_cuts[kind] = {"ai_at": a, "human_below": h}
    if detection.get("modality") in ("video", "multimodal"):
        # Frames use the cuts the video detector applied; its sound track the voice one's.
        aggregate = _mapping(evidence.get("aggregate"))
        frame_ai, frame_human = (
            _num(aggregate.get("suspicious_at")),
            _num(aggregate.get("human_below")),
        )
        if frame_ai is not None and frame_human is not None:
            item_cuts["frames"] = {"ai_at": frame_ai, "human_below": frame_human}
        voice = facts_for("audio.ensemble")
        if voice and "windows" in voice.item_cuts:
            window_ai, window_human = voice.item_cuts["windows"]
            item_cuts["windows"] = {"ai_at": window_ai, "human_below": window_human}
    return {
        "verdict": verdict,
        "label": verdict_label(verdict),
        "colour": VERDICTS.get(verdict, {}).get("colour", ""),
        "stored_verdict": detection.get("verdict"),
        "shown_uncertain_because": downgraded,
        "band": {"code": band, "label": BANDS[band]},
        "error_rate": error_rate_sentence(verdict, p, facts),
        "cuts": {"ai_at": cuts[0], "human_below": cuts[1]} if cuts else None,
        "item_cuts": item_cuts,
        "disagreement": disagreement(detection),
        "why": strongest_signals(detection, evidence, item_cuts),
        "cannot_see": cannot_see(detection, evidence),
        "accuracy_anchor": detector if facts else "",
    }
