"""Speech against caption on real clips whose spoken sentence is known (shared data)."""

from __future__ import annotations

from pathlib import Path

import pytest

from detection.engine.fusion.speech_pairs import spoken_clips
from detection.engine.fusion.speech_text import (
    Embedder,
    Transcriber,
    Transcript,
    compare,
    content_words,
)

FERRY = (
    "The ferry left the harbour twenty minutes late because a delivery van had parked across "
    "the loading ramp."
)


def test_content_words_drop_stop_words_and_keep_contractions() -> None:
    assert content_words("The boy didn't see the toll-gate, and he paid a penny!") == [
        "boy", "didn't", "see", "toll", "gate", "paid", "penny"
    ]  # fmt: skip


def test_no_speech_is_unclear_without_loading_a_model() -> None:
    silent = Transcript(text="", language="en", language_probability=0.0, duration_s=3.0)
    check = compare(silent, FERRY, embedder=None)  # type: ignore[arg-type]
    assert check.outcome == "unclear" and check.reason == "no speech to compare"
    assert check.transcript["duration_s"] == 3.0


@pytest.fixture
def clips(shared_dir: Path) -> list:  # type: ignore[type-arg]
    found = spoken_clips(shared_dir / "data" / "audio")
    if len(found) < 4:
        pytest.skip("the shared audio data has no clips with their spoken text")
    return found[:4]


@pytest.mark.model
def test_speech_matches_its_own_sentence_and_not_a_swapped_one(clips: list) -> None:  # type: ignore[type-arg]
    transcriber, embedder = Transcriber(threads=1), Embedder()
    for k, clip in enumerate(clips):
        transcript = transcriber.transcribe(clip.path)
        assert transcript.language == "en" and transcript.segments
        own = compare(transcript, clip.text, embedder)
        assert own.outcome == "match", (clip.text, transcript.text, own)
        assert own.shared_words and own.transcript["text"] == transcript.text
        swapped = compare(transcript, clips[(k + 2) % len(clips)].text, embedder)
        assert swapped.outcome != "match", (transcript.text, swapped)
        assert (swapped.similarity or 0) < (own.similarity or 0)
        unrelated = compare(transcript, FERRY, embedder)
        assert unrelated.outcome == "contradiction", (transcript.text, unrelated)
