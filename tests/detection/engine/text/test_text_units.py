"""Pure parts of the text detector: sentences, windows, score formulas, model choices."""

from __future__ import annotations

import math

import numpy as np
import pytest

from detection.engine.errors import ModelUnavailable
from detection.engine.text.choices import PACKAGED, parse_choice
from detection.engine.text.criteria import group_sums, raw_score, scores_from_sums
from detection.engine.text.sentences import split_sentences
from detection.engine.text.windows import plan_windows


def test_sentences_split_after_end_punctuation_and_at_line_breaks() -> None:
    text = 'He said "Stop." Then he left!  Was it late?\nYes (it was.) End'
    pieces = [text[s:e] for s, e in split_sentences(text)]
    assert pieces == ['He said "Stop."', "Then he left!", "Was it late?", "Yes (it was.)", "End"]


def test_sentences_drop_blank_pieces_and_keep_offsets_exact() -> None:
    text = "  First one.\n\n\n   Second one.  "
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one."]


@pytest.mark.parametrize("overlap", [0, 1, 64])
@pytest.mark.parametrize("has_bos", [True, False])
@pytest.mark.parametrize("n_tokens", [1, 37, 511, 512, 1300])
def test_windows_score_every_token_exactly_once(overlap: int, has_bos: bool, n_tokens: int) -> None:
    windows = plan_windows(0, n_tokens, 128, overlap, has_bos)
    scored = [j for w in windows for j in range(w.score_from, w.end)]
    first = 0 if has_bos else 1  # without a BOS token the first token has no context
    assert scored == list(range(first, n_tokens))
    for w in windows:
        assert w.end - w.start + (1 if has_bos else 0) <= 128
        assert w.start <= w.score_from and (has_bos or w.start < w.score_from)


def test_scores_are_oriented_higher_for_less_surprising_text() -> None:
    # Same expected surprise (xent), lower observed surprise: more AI-like on both scores.
    human = scores_from_sums(ll=-300.0, xent=250.0, var=500.0, n=100)
    ai = scores_from_sums(ll=-200.0, xent=250.0, var=500.0, n=100)
    assert ai["binoculars"] > human["binoculars"]
    assert ai["fast_detectgpt"] > human["fast_detectgpt"]
    assert human["binoculars"] == pytest.approx(math.log(250 / 300))
    assert human["fast_detectgpt"] == pytest.approx(-50 / math.sqrt(100 * 500))


def test_fast_detectgpt_score_does_not_grow_with_length() -> None:
    short = scores_from_sums(-30.0, 25.0, 50.0, 10)
    long = scores_from_sums(-3000.0, 2500.0, 5000.0, 1000)
    assert short["fast_detectgpt"] == pytest.approx(long["fast_detectgpt"])


def test_raw_score_is_a_named_score_or_a_fixed_combination() -> None:
    scores = {"binoculars": 0.2, "fast_detectgpt": -0.5}
    assert raw_score(scores, {"name": "binoculars"}) == 0.2
    combined = {
        "name": "combined",
        "weights": {"binoculars": 2.0, "fast_detectgpt": 1.0},
        "intercept": 0.25,
    }
    assert raw_score(scores, combined) == pytest.approx(0.4 - 0.5 + 0.25)


def test_group_sums_add_statistics_per_group() -> None:
    groups = np.array([0, 0, 2])
    sums = group_sums(groups, np.array([-1.0, -2.0, -3.0]), np.ones(3), np.full(3, 2.0), 3)
    assert sums.tolist() == [[-3.0, 2.0, 4.0, 2.0], [0, 0, 0, 0], [-3.0, 1.0, 2.0, 1.0]]


def test_model_choice_defaults_to_the_packaged_gemma() -> None:
    assert parse_choice("").key == PACKAGED
    assert parse_choice(PACKAGED).kind == "packaged"


def test_hugging_face_model_must_be_pinned_to_a_revision() -> None:
    choice = parse_choice("hf:HuggingFaceTB/SmolLM2-135M@93efa2f097d58c2a74874c7e644dbc9b0cee75a2")
    assert (choice.model_id, choice.revision) == (
        "HuggingFaceTB/SmolLM2-135M",
        "93efa2f097d58c2a74874c7e644dbc9b0cee75a2",
    )
    with pytest.raises(ModelUnavailable, match="must be pinned"):
        parse_choice("hf:HuggingFaceTB/SmolLM2-135M")
    with pytest.raises(ModelUnavailable, match="unknown text model"):
        parse_choice("gpt2")


def test_a_text_uses_the_calibration_of_the_longest_length_not_above_its_own() -> None:
    from detection.engine.calibration import Calibration
    from detection.engine.text.lengths import LengthCalibrations

    def entry(tokens: int, cut: float) -> dict[str, float]:
        return {
            "tokens": tokens,
            "a": 10.0,
            "b": 0.0,
            "raw_threshold": cut,
            "ai_at": 0.9,
            "human_below": 0.2,
        }

    base = Calibration(
        method="platt",
        params={
            "a": 10.0,
            "b": 0.0,
            "score": {"name": "fast_detectgpt"},
            "by_length": [entry(256, 0.01), entry(64, 0.05), entry(128, 0.03)],
        },
        ai_at=0.9,
        human_below=0.2,
        raw_threshold=0.01,
    )
    lengths = LengthCalibrations.from_calibration(base)
    assert [t for t, _ in lengths.buckets] == [64, 128, 256]
    assert lengths.for_tokens(50)[1] == 64  # shorter than every bucket: the shortest
    assert lengths.for_tokens(127)[0].raw_threshold == 0.05
    assert lengths.for_tokens(128)[1] == 128
    assert lengths.for_tokens(5000)[1] == 256
    assert LengthCalibrations.from_calibration(
        Calibration("platt", {"a": 1.0, "b": 0.0, "score": {"name": "binoculars"}}, 0.9, 0.1)
    ).for_tokens(100) == (
        lengths.base.__class__(
            "platt", {"a": 1.0, "b": 0.0, "score": {"name": "binoculars"}}, 0.9, 0.1
        ),
        None,
    )
