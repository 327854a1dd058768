"""What text the zero-shot detector agrees to judge (stdlib only: the web process calls it).

``check_text`` is called twice: by the web process before a job is queued (so a user gets a
400 at once) and by the detector itself (so the API, a worker and a test all see one rule).

Why these numbers: the detector averages per-token statistics, so short texts give noisy
scores. On the calibration data's hold-out split (``calibration/zero_shot.json``,
``holdout.by_length``) the AUROC is 0.64 at 48 tokens, 0.71 at 64, 0.79 at 96 and 0.86 at
128+ (pessimistic for short lengths: a pair's texts share their first ~20 words). The
calibration is fitted per length from 48 tokens up, which keeps false positives near 1 %
even there, but below that most verdicts would be "uncertain" anyway; 40 words is about
52 Gemma tokens. ``MAX_CHARS`` bounds one job's work (~75k tokens, a few minutes on a
2-core CPU).
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import InputRejected

MIN_WORDS = 40
MAX_CHARS = 300_000
# Share of the non-space characters that must be letters; below it the input is code,
# numbers or markup, which a language-model statistic does not judge meaningfully.
MIN_LETTER_SHARE = 0.5

# A word is a run of letters, possibly joined by an apostrophe or hyphen ("don't",
# "well-known"); each CJK ideograph or kana counts as a word, since those scripts use no spaces.
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# Control characters other than tab and newline carry no text and confuse tokenizers.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def normalise(text: str) -> str:
    """NFC, Unix line endings, no control characters, no surrounding whitespace."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text).strip()


def count_words(text: str) -> int:
    cjk = len(_CJK.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk


def check_text(text: str) -> str:
    """The normalised text, or InputRejected saying why it cannot be judged."""
    if not isinstance(text, str):
        raise InputRejected("text input must be a string")
    text = normalise(text)
    if not text:
        raise InputRejected("the text is empty")
    if len(text) > MAX_CHARS:
        raise InputRejected(
            f"the text is too long: {len(text):,} characters; at most {MAX_CHARS:,} are "
            "accepted in one detection (split it into parts)"
        )
    words = count_words(text)
    if words < MIN_WORDS:
        raise InputRejected(
            f"the text is too short to judge: {words} words; at least {MIN_WORDS} are "
            "needed for a reliable result"
        )
    visible = [c for c in text if not c.isspace()]
    letters = sum(c.isalpha() for c in visible)
    if letters < MIN_LETTER_SHARE * len(visible):
        raise InputRejected(
            "the text is mostly numbers, symbols or markup, not prose; "
            "only natural-language text can be judged"
        )
    return text
