"""How window results become the stored verdict."""

from __future__ import annotations

import pytest

from detection.live.records import WindowRecord
from detection.live.summary import MIN_WINDOWS, fuse, summarise, summarise_modality


def window(modality: str, p: float | None, verdict: str | None, i: int = 0) -> WindowRecord:
    return WindowRecord(modality, i, i * 0.5, i * 0.5, "det", p, verdict, "", 10.0, 5.0)  # type: ignore[arg-type]


def test_modality_verdict_is_the_majority_of_window_verdicts_with_the_mean_probability() -> None:
    rows = [window("video", 0.9, "ai"), window("video", 0.7, "ai"), window("video", 0.2, "human")]
    part = summarise_modality("video", rows)
    assert part.verdict == "ai"
    assert abs((part.probability_ai or 0) - 0.6) < 1e-9
    assert part.votes == {"ai": 2, "human": 1, "uncertain": 0}


def test_a_tie_between_window_verdicts_is_uncertain() -> None:
    rows = [window("audio", 0.9, "ai"), window("audio", 0.1, "human")]
    assert summarise_modality("audio", rows).verdict == "uncertain"


def test_unscored_windows_carry_no_vote_and_too_few_scored_is_uncertain() -> None:
    rows = [window("video", None, None, i) for i in range(5)] + [window("video", 0.95, "ai")]
    part = summarise_modality("video", rows)
    assert part.scored == 1 < MIN_WINDOWS
    assert part.windows == 6
    assert part.verdict == "uncertain"


def test_one_ai_modality_makes_the_session_ai_with_the_highest_probability() -> None:
    parts = {
        "video": summarise_modality("video", [window("video", 0.1, "human")] * 3),
        "audio": summarise_modality("audio", [window("audio", 0.8, "ai")] * 3),
    }
    assert fuse(parts) == ("ai", pytest.approx(0.8))


def test_human_needs_every_analysed_modality_to_say_human() -> None:
    human = [window("video", 0.1, "human")] * 3
    parts = {
        "video": summarise_modality("video", human),
        "audio": summarise_modality("audio", [window("audio", 0.5, "uncertain")] * 3),
    }
    assert fuse(parts)[0] == "uncertain"
    parts["audio"] = summarise_modality("audio", [window("audio", 0.2, "human")] * 3)
    assert fuse(parts) == ("human", pytest.approx(0.2))


def test_summary_names_the_single_modality_used_and_warns_about_the_other() -> None:
    records = {"video": [], "audio": [window("audio", 0.3, "human", i) for i in range(3)]}
    summary = summarise(records, ("video", "audio"))
    assert summary.modality == "audio"
    assert summary.verdict == "human"
    assert "no video window could be scored" in summary.warnings


def test_summary_hash_depends_on_the_results_not_on_the_timings() -> None:
    a = {"video": [window("video", 0.3, "human")], "audio": []}
    b = {"video": [window("video", 0.3, "human")], "audio": []}
    b["video"][0].latency_ms = 999.0
    c = {"video": [window("video", 0.4, "human")], "audio": []}
    assert summarise(a, ("video",)).sha256 == summarise(b, ("video",)).sha256
    assert summarise(a, ("video",)).sha256 != summarise(c, ("video",)).sha256


def test_nothing_scored_gives_uncertain_without_a_probability() -> None:
    summary = summarise({"video": [], "audio": []}, ("video", "audio"))
    assert (summary.verdict, summary.probability_ai) == ("uncertain", None)
    assert summary.modality == "multimodal"
