"""check_text: what the web process answers 400 to before a text job is queued."""

from __future__ import annotations

import pytest

from detection.engine.errors import InputRejected
from detection.engine.text.limits import MAX_CHARS, MIN_WORDS, check_text, count_words

PROSE = (
    "The council met on Tuesday evening to discuss the new library, which has been "
    "delayed twice since the spring. Residents said the old building was too small for "
    "the children's reading groups, and several asked why the builders had stopped work "
    "in June. The chair promised a written answer before the next meeting in March."
)


def test_prose_of_enough_words_is_accepted_and_trimmed() -> None:
    assert count_words(PROSE) >= MIN_WORDS
    assert check_text("  \n" + PROSE + "\n\n") == PROSE


@pytest.mark.parametrize("text", ["", "   ", "\n\t \r\n"])
def test_empty_or_whitespace_text_is_rejected(text: str) -> None:
    with pytest.raises(InputRejected, match="empty"):
        check_text(text)


def test_text_under_min_words_is_rejected_with_the_count() -> None:
    short = " ".join(PROSE.split()[: MIN_WORDS - 1])
    with pytest.raises(InputRejected, match=f"{MIN_WORDS - 1} words; at least {MIN_WORDS}"):
        check_text(short)


def test_mostly_numbers_and_symbols_are_rejected() -> None:
    table = " ".join(f"{i},{i * 3.7:.2f};{i % 7}|" for i in range(200)) + " total sum"
    with pytest.raises(InputRejected, match="numbers, symbols or markup"):
        check_text(table + " " + " ".join(["word"] * MIN_WORDS))


def test_text_over_max_chars_is_rejected() -> None:
    with pytest.raises(InputRejected, match="too long"):
        check_text("word " * (MAX_CHARS // 5 + 10))


def test_line_endings_and_unicode_are_normalised() -> None:
    decomposed = "Cafe\u0301 " + PROSE.replace(". ", ".\r\n")
    out = check_text(decomposed + "\x00")
    assert "\r" not in out and "\x00" not in out
    assert out.startswith("Caf\u00e9 ")


def test_words_count_letters_runs_and_cjk_characters() -> None:
    assert count_words("don't stop well-known 42 x") == 4
    assert count_words("\u4eca\u65e5\u306f\u6674\u308c") == 5
