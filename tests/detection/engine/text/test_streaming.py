"""Sliding windows over text that arrives in pieces (no model)."""

from __future__ import annotations

import pytest

from detection.engine.text.streaming import StreamSettings, TextStream

WORDS = [f"w{i}" for i in range(200)]


def _feed_in_pieces(stream: TextStream, text: str, size: int) -> list:
    windows = []
    for i in range(0, len(text), size):
        windows += stream.feed(text[i : i + size])
    return windows


def test_windows_have_the_configured_size_and_overlap_across_chunk_borders() -> None:
    stream = TextStream(StreamSettings(window_words=50, overlap_words=10, min_words=40))
    text = " ".join(WORDS) + " "
    windows = _feed_in_pieces(stream, text, 7)  # pieces split words in the middle
    assert [w.index for w in windows] == [0, 1, 2, 3]
    assert all(w.words == 50 and len(w.text.split()) == 50 for w in windows)
    assert windows[0].text.split()[0] == "w0" and windows[1].text.split()[0] == "w40"
    assert windows[1].text.split()[:10] == windows[0].text.split()[-10:]
    for w in windows:  # offsets are absolute positions in everything fed
        assert text[w.start : w.end] == w.text


def test_a_word_split_between_two_messages_stays_whole() -> None:
    stream = TextStream(StreamSettings(window_words=40, overlap_words=0, min_words=40))
    stream.feed(" ".join(WORDS[:39]) + " hel")
    (window,) = stream.feed("lo there ")
    assert window.text.split()[-1] == "hello"


def test_flush_scores_the_uncovered_tail_once() -> None:
    stream = TextStream(StreamSettings(window_words=50, overlap_words=10, min_words=40))
    windows = stream.feed(" ".join(WORDS[:75]))
    assert len(windows) == 1
    tail = stream.flush()
    assert tail is not None and tail.final and tail.text.split()[-1] == "w74"
    assert tail.words == 50  # the last 50 words, overlapping the first window
    assert stream.flush() is None  # nothing new since


def test_flush_of_too_little_text_gives_nothing() -> None:
    stream = TextStream(StreamSettings(window_words=50, overlap_words=10, min_words=40))
    stream.feed("only a few words here")
    assert stream.flush() is None


def test_buffer_stays_bounded_for_text_without_spaces() -> None:
    stream = TextStream(StreamSettings(window_words=50, overlap_words=10, max_buffer_chars=1000))
    for _ in range(100):
        assert stream.feed("x" * 10_000) == []
    assert len(stream.buffer) <= 1000
    assert stream.dropped_chars == 100 * 10_000 - 1000


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="overlap"):
        StreamSettings(window_words=50, overlap_words=50)
    with pytest.raises(ValueError, match="window_words"):
        StreamSettings(window_words=10)
