""" "Why this verdict": the strongest signals and the detector's blind spots, in words.

Every sentence is built from stored evidence (counts, spans, findings the engine wrote),
never from free text a model produced, so it can be checked against the evidence shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

MAX_SIGNALS = 5
SHORT_TEXT_WORDS = 90  # the text fusion's shortest length band ends here (fusion.json)
SHORT_SPEECH_S = 3.0
SMALL_IMAGE_PX = 256 * 256


def _num(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _ranges(indices: Iterable[int]) -> str:
    """1-based runs: [3, 4, 5, 9] -> "4-6 and 10"."""
    runs: list[list[int]] = []
    for i in sorted(indices):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    words = [f"{a + 1}" if a == b else f"{a + 1}-{b + 1}" for a, b in runs[:4]]
    if len(runs) > 4:
        words.append("more")
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _past(
    probabilities: list[float | None], cuts: Mapping[str, float] | None
) -> tuple[list[int], list[int]]:
    if not cuts:
        return [], []
    ai = [i for i, p in enumerate(probabilities) if p is not None and p >= cuts["ai_at"]]
    human = [i for i, p in enumerate(probabilities) if p is not None and p < cuts["human_below"]]
    return ai, human


def _text_signals(evidence: Mapping[str, Any], cuts: Mapping[str, float] | None) -> list[str]:
    sentences = [s for s in evidence.get("sentences") or [] if isinstance(s, Mapping)]
    probs = [_num(s.get("probability_ai")) for s in sentences]
    out = []
    if sentences and cuts:
        ai, human = _past(probs, cuts)
        total = len(sentences)
        out.append(
            f"{len(ai)} of {_count(total, 'sentence')} above the AI threshold, "
            f"{len(human)} below the human threshold"
        )
    members = _mapping(evidence.get("members"))
    calls = [_mapping(m).get("verdict") for m in members.values()]
    for verdict, words in (("ai", "AI-written"), ("human", "human-written")):
        n = sum(1 for c in calls if c == verdict)
        if n and len(calls) > 1:
            out.append(f"{n} of {len(calls)} member detectors call it {words}")
    return out


def _image_signals(evidence: Mapping[str, Any], item_cuts: Mapping[str, Any]) -> list[str]:
    out = []
    for finding in evidence.get("provenance_findings") or []:
        f = _mapping(finding)
        if f.get("strength") in ("conclusive", "strong") and isinstance(f.get("summary"), str):
            out.append(f["summary"][0].upper() + f["summary"][1:])
    heatmap = _mapping(evidence.get("patch_heatmap"))
    grid = heatmap.get("grid")
    cuts = None
    if _num(heatmap.get("ai_at")) is not None and _num(heatmap.get("human_below")) is not None:
        cuts = {"ai_at": float(heatmap["ai_at"]), "human_below": float(heatmap["human_below"])}
    cuts = cuts or item_cuts.get("patches")
    if isinstance(grid, list) and cuts:
        cells = [_num(v) for row in grid if isinstance(row, list) for v in row]
        cells_scored = [c for c in cells if c is not None]
        ai, human = _past(cells, cuts)
        out.append(
            f"{len(ai)} of {len(cells_scored)} image patches past the patch AI threshold, "
            f"{len(human)} below the human threshold"
        )
    voting = _mapping(evidence.get("voting"))
    if voting.get("method"):
        out.append(
            f"combined by a {voting['method']} vote of {len(voting.get('voters') or [])} detectors"
        )
    return out


def _timeline_signals(
    rows: list[Mapping[str, Any]], cuts: Mapping[str, float] | None, noun: str, looks: str
) -> list[str]:
    scored = [(i, _num(r.get("probability_ai"))) for i, r in enumerate(rows)]
    scored = [(i, p) for i, p in scored if p is not None]
    if not scored or not cuts:
        return []
    probs = [p for _, p in scored]
    ai, _ = _past(probs, cuts)
    if ai:
        return [f"{noun}s {_ranges(ai)} of {len(scored)} {looks}"]
    return [f"none of the {_count(len(scored), noun.lower())} is past the AI threshold"]


def strongest_signals(
    detection: Mapping[str, Any], evidence: Mapping[str, Any], item_cuts: Mapping[str, Any]
) -> list[str]:
    modality = detection.get("modality")
    out: list[str] = []
    if modality == "text":
        out = _text_signals(evidence, item_cuts.get("sentences"))
    elif modality == "image":
        out = _image_signals(evidence, item_cuts)
    elif modality == "audio":
        rows = [
            r
            for r in evidence.get("timeline") or []
            if isinstance(r, Mapping) and r.get("speech", True)
        ]
        out = _timeline_signals(rows, item_cuts.get("windows"), "Voice window", "look synthetic")
    elif modality == "video":
        aggregate = _mapping(evidence.get("aggregate"))
        cuts = None
        if (
            _num(aggregate.get("suspicious_at")) is not None
            and _num(aggregate.get("human_below")) is not None
        ):
            cuts = {
                "ai_at": float(aggregate["suspicious_at"]),
                "human_below": float(aggregate["human_below"]),
            }
        rows = [r for r in evidence.get("timeline") or [] if isinstance(r, Mapping)]
        out = _timeline_signals(rows, cuts, "Frame", "look generated")
        audio = _mapping(evidence.get("audio"))
        if audio:
            arows = [
                r
                for r in audio.get("timeline") or []
                if isinstance(r, Mapping) and r.get("speech", True)
            ]
            out += _timeline_signals(
                arows, item_cuts.get("windows"), "Voice window", "sound synthetic"
            )
    return out[:MAX_SIGNALS]


def cannot_see(detection: Mapping[str, Any], evidence: Mapping[str, Any]) -> list[str]:
    """What this input hides from the detector, from facts the engine measured."""
    out: list[str] = []
    modality = detection.get("modality")
    if modality == "text":
        facts = _mapping(evidence.get("input"))
        words = _num(facts.get("words"))
        if words is not None and words < SHORT_TEXT_WORDS:
            out.append(
                f"The text is short ({int(words)} words): under {SHORT_TEXT_WORDS} words the "
                "detector separates AI and human writing much less well."
            )
        language = _mapping(facts.get("language"))
        if language.get("code") and language.get("code") != "en":
            out.append(
                f"The text does not look like English (detected: {language['code']}): the "
                "detector was trained and measured on English only."
            )
        code_share = _num(facts.get("code_line_share"))
        if code_share and code_share >= 0.15:
            out.append(
                f"{round(code_share * 100)} % of its lines look like program code, which the "
                "detector was not built for."
            )
        list_share = _num(facts.get("list_line_share"))
        if list_share and list_share >= 0.4:
            out.append(
                "Much of it is a list, which carries little of the style the detector reads."
            )
        out.append(
            "Text that a person edited after generating it, or ran through a paraphraser, often "
            "reads as human."
        )
    elif modality == "image":
        size = (
            _mapping(detection.get("input_meta")).get("width"),
            _mapping(detection.get("input_meta")).get("height"),
        )
        heatmap = _mapping(evidence.get("patch_heatmap"))
        dims = heatmap.get("image_size") if isinstance(heatmap.get("image_size"), list) else size
        w, h = (_num(dims[0]), _num(dims[1])) if dims and len(dims) == 2 else (None, None)
        if w and h and w * h < SMALL_IMAGE_PX:
            out.append(
                f"The image is small ({int(w)} x {int(h)} px): fine detail the detector reads is "
                "missing."
            )
        if str(detection.get("content_type", "")).endswith("jpeg"):
            out.append(
                "JPEG compression (heavier on images shared online) wipes out some of the traces "
                "generators leave."
            )
        if not evidence.get("provenance_findings"):
            out.append(
                "It carries no provenance (Content Credentials, generator metadata, known "
                "watermark): most images do not, so their absence proves nothing."
            )
    elif modality in ("audio", "video"):
        source = evidence if modality == "audio" else _mapping(evidence.get("audio"))
        speech = _num(source.get("speech_s"))
        if modality == "audio" and speech is not None and speech < SHORT_SPEECH_S:
            out.append(
                f"Only {speech:.1f} s of speech was found: short clips give the voice detector "
                "little to go on."
            )
        if modality == "audio" and speech == 0:
            out.append(
                "No speech was found: the detector judges voices only, not music or other sounds."
            )
        if modality == "video":
            out.append(
                "Per-frame scores use the image calibration: no labelled AI-made videos were "
                "available to measure the video verdict itself."
            )
        out.append(
            "Heavy compression (phone calls, messaging apps) hides traces the detector relies on."
        )
    return out
