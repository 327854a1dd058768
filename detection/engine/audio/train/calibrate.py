"""Calibration of the audio detectors (used by ``manage.py calibrate_audio``).

Each detector scores the calibration and test splits exactly as it scores uploads (mean
raw score over ~4 s speech windows) and as the live check does (single 2 s windows).
On the calibration split: Platt scaling maps raw scores to P(AI); the ``ai`` cut is set
where at most ``FPR`` of real clips are flagged and the ``human`` cut where at most
``FNR`` of synthetic clips pass as human (between them the verdict is ``uncertain``).
The test split, whose generator families and real sources were never used to train or
calibrate, gives the held-out figures written into each file.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ...calibration import Calibration
from ...errors import InputRejected
from ...metrics import auroc, confusion, fit_platt, threshold_at_fpr
from ..detector import WindowDetector
from . import windowing
from .dataset import Clip

FPR = 0.05  # at most this share of real clips called "ai" on the calibration split
FNR = 0.05  # at most this share of synthetic clips called "human"
STREAM_LIMIT = 3  # 2 s windows scored per clip (AASIST is the slow part)


@dataclass
class Scored:
    clip: Clip
    file_raws: np.ndarray  # raw score of each ~4 s speech window
    stream_raws: np.ndarray  # raw score of each 2 s live window with speech

    @property
    def raw(self) -> float:
        return float(np.mean(self.file_raws))


def score_clips(
    detector: WindowDetector,
    clips: Sequence[Clip],
    cache_key: str,
    say: Callable[[str], None] = print,
) -> tuple[list[Scored], list[str]]:
    cache = windowing.Cache(f"scores-{cache_key}-s{STREAM_LIMIT}")
    scored: list[Scored] = []
    skipped: list[str] = []
    for i, clip in enumerate(clips):

        def compute(clip: Clip = clip) -> dict[str, np.ndarray]:
            windows = windowing.clip_windows(clip.path, stream_limit=STREAM_LIMIT)
            return {
                "file_raws": detector.score_windows(windows.file),
                "stream_raws": detector.score_windows(windows.stream),
            }

        try:
            arrays = cache.get(clip.sha256, compute)
        except InputRejected as exc:
            skipped.append(f"{clip.path.name}: {exc}")
            continue
        if len(arrays["file_raws"]) == 0:
            skipped.append(f"{clip.path.name}: no speech found")
            continue
        scored.append(Scored(clip, arrays["file_raws"], arrays["stream_raws"]))
        if (i + 1) % 25 == 0:
            say(f"  {detector.name}: {i + 1}/{len(clips)} clips")
    return scored, skipped


def flatten(scored: Sequence[Scored], stream: bool) -> tuple[list[Clip], np.ndarray]:
    """(clip of each sample, raw scores): one per clip for files, one per window for stream."""
    if not stream:
        return [s.clip for s in scored], np.array([s.raw for s in scored])
    clips = [s.clip for s in scored for _ in s.stream_raws]
    raws = np.concatenate([s.stream_raws for s in scored]) if scored else np.zeros(0)
    return clips, raws


def eer(labels: Sequence[int], scores: Sequence[float]) -> float:
    y, s = np.asarray(labels), np.asarray(scores, dtype=float)
    best = 1.0
    for t in np.unique(s):
        fpr = float((s[y == 0] >= t).mean())
        fnr = float((s[y == 1] < t).mean())
        best = min(best, max(fpr, fnr))
    return best


def cuts(labels: Sequence[int], raws: np.ndarray) -> tuple[float, float]:
    """Raw cuts: (flag as AI at or above, call human below)."""
    y = np.asarray(labels)
    raw_ai = threshold_at_fpr(y.tolist(), raws.tolist(), FPR)
    # Mirror image: the highest cut under which at most FNR of synthetic samples fall.
    raw_human = -threshold_at_fpr((1 - y).tolist(), (-raws).tolist(), FNR)
    return raw_ai, min(raw_human, raw_ai)


def metrics(
    clips: Sequence[Clip], scores: np.ndarray, verdicts: Sequence[str] | None = None
) -> dict[str, Any]:
    labels = [c.label for c in clips]
    out: dict[str, Any] = {
        "samples": len(labels),
        "ai": int(sum(labels)),
        "human": len(labels) - int(sum(labels)),
        "auroc": round(auroc(labels, scores.tolist()), 4),
        "eer": round(eer(labels, scores.tolist()), 4),
    }
    real = [float(s) for s, c in zip(scores, clips, strict=True) if c.label == 0]
    out["per_family_auroc"] = {
        family: round(
            auroc(
                [0] * len(real) + [1] * len(fake),
                real + fake,
            ),
            4,
        )
        for family in sorted({c.family for c in clips if c.label == 1})
        for fake in [[float(s) for s, c in zip(scores, clips, strict=True) if c.family == family]]
    }
    if verdicts is not None:
        table = confusion(labels, list(verdicts))
        out["confusion"] = table
        n_human = max(out["human"], 1)
        n_ai = max(out["ai"], 1)
        out["false_positive_rate"] = round(table["human"]["ai"] / n_human, 4)
        out["true_positive_rate"] = round(table["ai"]["ai"] / n_ai, 4)
        out["humans_called_human"] = round(table["human"]["human"] / n_human, 4)
    return out


def fit(
    cal_scored: Sequence[Scored],
    test_scored: Sequence[Scored],
    stream: bool,
    provenance: dict[str, Any],
) -> Calibration:
    clips, raws = flatten(cal_scored, stream)
    labels = [c.label for c in clips]
    a, b = fit_platt(labels, raws.tolist())
    raw_ai, raw_human = cuts(labels, raws)
    draft = Calibration("platt", {"a": a, "b": b}, ai_at=1.0, human_below=0.0)
    ai_at = draft.probability(raw_ai)
    human_below = min(draft.probability(raw_human), ai_at)
    cal = Calibration(
        "platt", {"a": a, "b": b}, ai_at=round(ai_at, 6), human_below=round(human_below, 6)
    )

    def verdicts(r: np.ndarray) -> list[str]:
        return [cal.verdict(cal.probability(float(x))) for x in r]

    test_clips, test_raws = flatten(test_scored, stream)
    holdout = {
        "calibration_split": metrics(clips, raws, verdicts(raws)),
        "test_split": metrics(test_clips, test_raws, verdicts(test_raws)),
    }
    summary = (
        f"Platt on {len(labels)} {'2 s windows' if stream else 'clips'} of the calibration "
        f"split; cuts at {FPR:.0%} FPR / {FNR:.0%} FNR; held-out test AUROC "
        f"{holdout['test_split']['auroc']}"
    )
    return Calibration(
        "platt",
        {"a": a, "b": b},
        ai_at=cal.ai_at,
        human_below=cal.human_below,
        raw_threshold=raw_ai,
        provenance={**provenance, "summary": summary, "unit": "2 s window" if stream else "clip"},
        holdout=holdout,
    )


def native_aasist_threshold(scored: Sequence[Scored]) -> dict[str, Any]:
    """How the ASVspoof-trained decision (spoof logit > bona fide logit) transfers here."""
    clips, raws = flatten(scored, stream=False)
    flagged = raws > 0
    labels = np.array([c.label for c in clips])
    return {
        "rule": "spoof logit > bona fide logit (raw > 0)",
        "false_positive_rate": round(float(flagged[labels == 0].mean()), 4),
        "true_positive_rate": round(float(flagged[labels == 1].mean()), 4),
    }


def _fused(
    members: dict[str, Sequence[Scored]],
    cals: dict[str, Calibration],
    weights: dict[str, float],
    stream: bool,
) -> tuple[list[Clip], np.ndarray, dict[str, np.ndarray]]:
    """Member probabilities on the samples every member scored, and their weighted mean."""
    names = list(members)
    common = set.intersection(*({s.clip.sha256 for s in members[n]} for n in names))
    probs: dict[str, np.ndarray] = {}
    clips: list[Clip] = []
    for n in names:
        kept = [s for s in members[n] if s.clip.sha256 in common]
        kept.sort(key=lambda s: s.clip.sha256)
        c, raws = flatten(kept, stream)
        clips = c
        probs[n] = np.array([cals[n].probability(float(r)) for r in raws])
    total = sum(weights.values())
    fused = sum(weights[n] * probs[n] for n in names) / total
    return clips, np.asarray(fused), probs


def fit_ensemble(
    cal_members: dict[str, Sequence[Scored]],
    test_members: dict[str, Sequence[Scored]],
    file_cals: dict[str, Calibration],
    stream_cals: dict[str, Calibration],
    provenance: dict[str, Any],
) -> dict[str, Any]:
    """Weights from each member's calibration-split AUROC; cuts on the fused probability."""
    from ...result import DetectionResult
    from ...voting import vote

    weights: dict[str, float] = {}
    for name, cal in file_cals.items():
        member_auroc = cal.holdout["calibration_split"]["auroc"]
        weights[name] = max(member_auroc - 0.5, 0.05)
    norm = sum(weights.values())
    weights = {n: round(w / norm, 4) for n, w in weights.items()}

    out: dict[str, Any] = {"voting": "weighted", "weights": weights}
    holdout: dict[str, Any] = {}
    for stream, cals, key in ((False, file_cals, "verdict"), (True, stream_cals, "stream_verdict")):
        clips, fused, _ = _fused(cal_members, cals, weights, stream)
        labels = [c.label for c in clips]
        ai_at, human_below = cuts(labels, fused)
        out[key] = {"ai_at": round(ai_at, 6), "human_below": round(human_below, 6)}

        def verdict(p: float, ai_at: float = ai_at, human_below: float = human_below) -> str:
            return "ai" if p >= ai_at else ("human" if p < human_below else "uncertain")

        t_clips, t_fused, t_probs = _fused(test_members, cals, weights, stream)
        unit = "stream_2s_windows" if stream else "clips"
        holdout[unit] = {
            "calibration_split": metrics(clips, fused, [verdict(p) for p in fused]),
            "test_split": metrics(t_clips, t_fused, [verdict(p) for p in t_fused]),
        }
        # The other voting rules on the same held-out samples, for comparison.
        for method in ("majority", "unanimous"):
            verdicts = []
            for i in range(len(t_clips)):
                member_results = [
                    DetectionResult(
                        "audio",
                        n,
                        cals[n].verdict(float(t_probs[n][i])),
                        probability_ai=float(t_probs[n][i]),
                    )
                    for n in t_probs
                ]
                verdicts.append(vote(member_results, method)[0])  # type: ignore[arg-type]
            table = confusion([c.label for c in t_clips], verdicts)
            holdout[unit][f"test_split_{method}_confusion"] = table
    out["provenance"] = {
        **provenance,
        "summary": "weighted mean of calibrated member probabilities; weights from each "
        "member's calibration-split AUROC; cuts at "
        f"{FPR:.0%} FPR / {FNR:.0%} FNR on the calibration split",
    }
    out["holdout"] = holdout
    return out
