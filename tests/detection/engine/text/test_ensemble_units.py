"""The ensemble's model-free parts: language guess, caveats, fusion, sentences, splits."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from detection.engine.calibration import Calibration
from detection.engine.errors import InputRejected
from detection.engine.result import DetectionResult
from detection.engine.text.caveats import assess
from detection.engine.text.fusion_model import LearnedFusion
from detection.engine.text.language import detect_language
from detection.engine.text.members.base import MemberOutput, SentenceScore, logit
from detection.engine.text.members.stats_features import FEATURE_NAMES, stats_features
from detection.engine.text.sentence_fusion import fuse_sentences
from detection.engine.text.train import dataset
from detection.engine.text.train.evaluate import Scored, eval_sets, figures, format_table
from detection.engine.text.train.labelled_files import load_labelled

PROSE = (
    "The committee met on Tuesday to discuss the budget for next year. Several members "
    "argued that the library deserved more money, since visits had grown by a third. Others "
    "said the roads came first, because the winter had left many of them broken. After two "
    "hours the chair proposed a compromise that gave each a little more than last year, and "
    "the motion passed with only one vote against it."
)


def _fusion(weights: dict[str, float], intercept: float = 0.0) -> LearnedFusion:
    params = {
        "members": list(weights),
        "weights": weights,
        "intercept": intercept,
        "a": 1.0,
        "b": 0.0,
        "weighted": {"weights": dict.fromkeys(weights, 1.0), "ai_at": 0.7, "human_below": 0.3},
    }
    return LearnedFusion(Calibration("platt", params, ai_at=0.8, human_below=0.2))


def _member(name: str, p: float, verdict: str) -> DetectionResult:
    return DetectionResult("text", f"text.{name}", verdict, p)  # type: ignore[arg-type]


# -- language and caveats -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        (PROSE, "en"),
        (
            "Der Ausschuss hat am Dienstag über den Haushalt für das nächste Jahr beraten, und "
            "die meisten Mitglieder waren der Meinung, dass die Bibliothek mehr Geld bekommen "
            "sollte, weil die Zahl der Besucher um ein Drittel gestiegen ist.",
            "de",
        ),
        (
            "Le comité s'est réuni mardi pour discuter du budget de l'année prochaine et la "
            "plupart des membres ont estimé que la bibliothèque devait recevoir plus d'argent.",
            "fr",
        ),
        ("Комитет собрался во вторник, чтобы обсудить бюджет на следующий год.", "ru"),
        ("委員会は火曜日に来年の予算について話し合いました。", "ja"),
    ],
)
def test_language_guess_names_the_language(text: str, code: str) -> None:
    assert detect_language(text).language == code


def test_english_prose_has_no_blocking_caveat() -> None:
    result = assess(PROSE)
    assert result.blocking == []
    assert result.facts["language"]["code"] == "en"
    assert any("short text" in w for w in result.warnings)  # 74 words


def test_a_single_repeated_word_is_degenerate() -> None:
    result = assess("buffalo " * 60)
    assert result.degenerate
    assert "nothing for the models to judge" in result.blocking[0]


def test_non_english_text_blocks_a_confident_verdict() -> None:
    spanish = (
        "El comité se reunió el martes para hablar del presupuesto del año que viene, y la "
        "mayoría de los miembros pensaba que la biblioteca necesitaba más dinero porque las "
        "visitas habían crecido mucho durante los últimos meses del año pasado."
    )
    result = assess(spanish)
    assert not result.degenerate
    assert any("'es', not English" in b for b in result.blocking)


def test_source_code_blocks_and_lists_warn() -> None:
    code = "\n".join(
        [
            "import os",
            "def load(path):",
            "    data = open(path).read()",
            "    return data.split()",
            "for name in os.listdir('.'):",
            "    print(load(name))",
        ]
        * 4
    )
    assert any("source code" in b for b in assess(code).blocking)
    things = ["tent", "stove", "maps", "water filter", "rope", "torch", "first aid kit", "boots"]
    listing = "\n".join(
        f"- {i + 1}. pack the {thing} before we leave for the mountains on {day}"
        for i, (thing, day) in enumerate(zip(things, ["Monday", "Friday"] * 4, strict=True))
    )
    assert any("list items" in w for w in assess(listing).warnings)


# -- fusion ---------------------------------------------------------------------------------


def test_learned_fusion_adds_weighted_log_odds() -> None:
    fusion = _fusion({"zero_shot": 1.0, "style": 2.0}, intercept=-0.5)
    raw = fusion.raw({"zero_shot": 0.8, "style": 0.3})
    assert raw == pytest.approx(-0.5 + logit(0.8) + 2 * logit(0.3))
    results = [_member("zero_shot", 0.99, "ai"), _member("style", 0.99, "ai")]
    fused = fusion.fuse(results, "learned")
    assert fused.verdict == "ai" and fused.probability > 0.99


def test_learned_fusion_adds_pairwise_products_when_fitted_with_them() -> None:
    fusion = _fusion({"zero_shot": 1.0, "style": 1.0})
    fusion.interactions = {("zero_shot", "style"): -0.5}
    raw = fusion.raw({"zero_shot": 0.9, "style": 0.2})
    z1, z2 = logit(0.9), logit(0.2)
    assert raw == pytest.approx(z1 + z2 - 0.5 * z1 * z2)
    assert fusion.raw({"zero_shot": 0.9}) == pytest.approx(z1)  # a missing member drops out


def test_voting_methods_follow_the_members_verdicts() -> None:
    fusion = _fusion({"a": 1.0, "b": 1.0, "c": 1.0})
    split = [_member("a", 0.9, "ai"), _member("b", 0.8, "ai"), _member("c", 0.1, "human")]
    assert fusion.fuse(split, "majority").verdict == "ai"
    assert fusion.fuse(split, "unanimous").verdict == "uncertain"
    weighted = fusion.fuse(split, "weighted")
    assert weighted.probability == pytest.approx(0.6)
    assert weighted.verdict == "uncertain"  # between the fitted cuts 0.3 and 0.7


def test_unknown_fusion_method_is_rejected() -> None:
    with pytest.raises(InputRejected, match="fusion must be one of"):
        _fusion({"a": 1.0}).fuse([_member("a", 0.5, "uncertain")], "average")


def test_sentence_probabilities_map_member_spans_onto_sentences() -> None:
    text = "First sentence here. Second one follows."
    outputs = {
        "zero_shot": MemberOutput(
            0.0, 0.5, [SentenceScore(0, 20, 0.9), SentenceScore(21, 40, 0.1)]
        ),
        "stats_head": MemberOutput(0.0, 0.5, []),
    }
    sentences = fuse_sentences(text, outputs, _fusion({"zero_shot": 1.0, "stats_head": 1.0}))
    assert [s["text"] for s in sentences] == ["First sentence here.", "Second one follows."]
    assert sentences[0]["probability_ai"] == pytest.approx(0.9, abs=1e-3)
    assert sentences[1]["probability_ai"] == pytest.approx(0.1, abs=1e-3)
    assert sentences[0]["members"] == {"zero_shot": 0.9}


# -- features -------------------------------------------------------------------------------


def test_stats_features_are_finite_and_named() -> None:
    rng = np.random.default_rng(0)
    n = 60
    text = " ".join(["word"] * n)
    starts = np.arange(n) * 5
    arrays = {
        "ll": -rng.gamma(2.0, 1.0, n),
        "xent": rng.uniform(1, 4, n),
        "var": rng.uniform(1, 6, n),
        "offsets": np.stack([starts, starts + 4], axis=1),
        "window": np.zeros(n, dtype=np.int64),
    }
    row = stats_features(text, arrays)
    assert row.shape == (len(FEATURE_NAMES),)
    assert np.isfinite(row).all()
    assert row[6:11].sum() == pytest.approx(1.0)  # the log-probability histogram


# -- data splits and evaluation -------------------------------------------------------------


def test_committed_ai_sources_split_without_leaks() -> None:
    items = dataset.assistant_style_items()
    assert len(items) >= 60
    held = {it.group for it in items if it.holdout}
    train = {it.group for it in items if not it.holdout}
    assert held and train and not held & train
    assert {it.domain for it in items} >= {"docs", "news", "story", "essay", "quote"}
    assert all(len(it.text.split()) >= 40 for it in items)


def test_fastdetectgpt_holdout_is_inside_the_zero_shot_holdout(fastdetectgpt: Path) -> None:
    from detection.engine.text.train.fastdetectgpt import holdout_pairs

    items = dataset.fdg_items(fastdetectgpt, train_pairs=5, holdout_pairs_per_file=5)
    fraction, seed = dataset.zero_shot_split()
    zero_shot_held = {f"pair{i}" for i in holdout_pairs(fraction, seed)}
    assert {it.group for it in items if it.holdout} <= zero_shot_held
    assert not {it.group for it in items if not it.holdout} & zero_shot_held
    assert len({it.text for it in items}) == len(items)


def test_evaluation_table_reports_every_scorer(tmp_path: Path) -> None:
    lines = [
        {"text": PROSE + f" Variant {i}.", "label": i % 2, "source": "mine", "domain": "news"}
        for i in range(6)
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines))
    items = load_labelled(tmp_path)
    assert len(items) == 6 and {it.label for it in items} == {0, 1}
    scored = []
    for it in items:
        p = 0.9 if it.label else 0.2
        verdict = "ai" if it.label else "human"
        members = [_member("style", p, verdict), _member("zero_shot", 1 - p, "uncertain")]
        fused = {m: (verdict, p) for m in ("learned", "weighted", "majority", "unanimous")}
        scored.append(Scored(it, members, fused))
    assert list(eval_sets(items)) == ["mine", "all texts"]
    table = figures(scored)["all texts"]
    assert table["text.style"]["auroc"] == 1.0
    assert table["text.zero_shot"]["auroc"] == 0.0
    assert table["fusion:learned"]["confusion"]["ai"]["ai"] == 3
    assert "fusion:learned" in format_table(figures(scored))
