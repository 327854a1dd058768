"""Known weak spots of the text ensemble, found before scoring and stated in the result.

``assess`` looks at an already-checked text (``limits.check_text``) and returns:

- ``blocking``: reasons the ensemble must not give a confident verdict at all (a text that
  is a single word repeated, or nearly; not English; mostly code). The verdict becomes
  ``uncertain`` with the reason; nothing is hidden.
- ``warnings``: reasons the verdict is less reliable (short text, lists, mixed code).

Everything here is stdlib and cheap: the web process may call it too.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .language import detect_language
from .limits import count_words

SHORT_WORDS = 80  # hold-out AUROC drops visibly below this (see calibration/fusion.json)
MIN_DISTINCT_WORDS = 12
MAX_TOP_WORD_SHARE = 0.35  # "the" is ~6 % of English prose; a third is degenerate input
CODE_LINE_SHARE_BLOCK = 0.5
CODE_LINE_SHARE_WARN = 0.15
LIST_LINE_SHARE = 0.4

_CODE_LINE = re.compile(
    r"^\s*(def |class |import |from \S+ import|return\b|if .*:\s*$|for .*:\s*$|\}|\{|#include|"
    r"public |private |function\b|const |let |var |my \$|sub \w+|SELECT |<\w+[^>]*>|//|/\*)"
    r"|[;{}]\s*$|^\s*[\w.\[\]]+\s*=\s*[^=]"
)
_LIST_LINE = re.compile(r"^\s*(?:[-*\u2022\u2013]\s+|\d{1,3}[.)]\s+|[a-z][.)]\s+)")
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019\-][^\W\d_]+)*")


@dataclass
class Assessment:
    blocking: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def degenerate(self) -> bool:
        """Nothing worth running a model on (the members are skipped)."""
        return bool(self.facts.get("degenerate"))


def assess(text: str) -> Assessment:
    out = Assessment()
    words = [w.lower() for w in _WORD.findall(text)]
    counts = Counter(words)
    n_words = count_words(text)
    distinct = len(counts)
    top_share = counts.most_common(1)[0][1] / len(words) if words else 1.0
    out.facts.update(words=n_words, distinct_words=distinct, top_word_share=round(top_share, 3))
    if distinct < MIN_DISTINCT_WORDS or top_share > MAX_TOP_WORD_SHARE:
        out.facts["degenerate"] = True
        out.blocking.append(
            f"the text has almost no vocabulary ({distinct} distinct words; the most frequent "
            f"word is {top_share:.0%} of all words): there is nothing for the models to judge"
        )
        return out

    guess = detect_language(text)
    out.facts["language"] = {
        "code": guess.language,
        "confidence": guess.confidence,
        "script": guess.script,
    }
    if guess.language != "en":
        what = "an undetermined language" if guess.language == "und" else f"'{guess.language}'"
        out.blocking.append(
            f"the text looks like {what}, not English: every model in the ensemble was "
            "trained and calibrated on English only, so no verdict is given"
        )

    lines = [ln for ln in text.splitlines() if ln.strip()]
    if lines:
        code_share = sum(bool(_CODE_LINE.search(ln)) for ln in lines) / len(lines)
        list_share = sum(bool(_LIST_LINE.match(ln)) for ln in lines) / len(lines)
        out.facts.update(code_line_share=round(code_share, 3), list_line_share=round(list_share, 3))
        if len(lines) >= 3 and code_share >= CODE_LINE_SHARE_BLOCK:
            out.blocking.append(
                "the text is mostly source code: the models were built for prose and their "
                "scores on code are not meaningful"
            )
        elif len(lines) >= 3 and code_share >= CODE_LINE_SHARE_WARN:
            out.warnings.append(
                f"about {code_share:.0%} of the lines look like code; scores on code are unreliable"
            )
        if len(lines) >= 3 and list_share >= LIST_LINE_SHARE:
            out.warnings.append(
                f"about {list_share:.0%} of the lines are list items; lists were rare in the "
                "training data and their scores are less reliable"
            )
    if n_words < SHORT_WORDS:
        out.warnings.append(
            f"short text: {n_words} words; results under {SHORT_WORDS} words are less reliable"
        )
    return out
