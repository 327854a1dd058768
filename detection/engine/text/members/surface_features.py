"""Cheap surface features of a text's writing (stdlib + numpy, microseconds per text).

What they measure, and why they are here: machine text is typographically uniform
(sentence lengths vary little, every sentence starts with a capital, punctuation follows
house style, em dashes and colons are frequent, contractions and first-person asides are
rare), while people — learners and native writers alike — vary. None of these is proof;
together they are a member the fusion can weigh against the language-model statistics,
which behave differently on learner English (unusual word choices read as "surprising").

Whitespace runs and typographic quotes are normalised first: scraped human corpora carry
encoding and spacing artefacts that a model would otherwise learn as "human".
"""

from __future__ import annotations

import itertools
import re

import numpy as np

from ..sentences import split_sentences

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_CONTRACTION = re.compile(r"\b\w+'(?:s|t|re|ve|ll|d|m)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(?:i|me|my|mine|we|our|us)\b", re.I)
_HEDGE = re.compile(
    r"\b(?:overall|additionally|furthermore|moreover|however|ultimately|crucial|essential|"
    r"significant(?:ly)?|various|ensure|enhance|delve|foster|vital|seamless(?:ly)?|robust|"
    r"comprehensive|landscape|realm|tapestry|navigat\w*|pivotal|showcas\w*)\b",
    re.I,
)
FEATURE_NAMES = (
    "sentence_words_mean",
    "sentence_words_cv",
    "word_length_mean",
    "type_token_ratio",
    "comma_rate",
    "semicolon_colon_rate",
    "dash_rate",
    "exclaim_question_rate",
    "quote_paren_rate",
    "digit_rate",
    "contraction_rate",
    "first_person_rate",
    "lowercase_sentence_start",
    "lowercase_i_rate",
    "stock_phrase_rate",
    "paragraphs_per_100_words",
    "repeated_bigram_rate",
    "long_word_rate",
)


def normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"[ \t\u00a0]+", " ", text)
    return re.sub(r"\n\s*\n+", "\n\n", text).strip()


def surface_features(text: str) -> np.ndarray:
    text = normalise(text)
    words = _WORD.findall(text)
    n = max(len(words), 1)
    spans = split_sentences(text)
    lengths = np.asarray(
        [len(_WORD.findall(text[s:e])) for s, e in spans if text[s:e].strip()] or [n], float
    )
    starts = [text[s:e].lstrip("\"'([ ") for s, e in spans]
    lower_starts = [st[:1].islower() for st in starts if st[:1].isalpha()]
    head = [w.lower() for w in words[:150]]
    bigrams = list(itertools.pairwise(head))
    per_word = 1.0 / n
    row = [
        float(lengths.mean()),
        float(lengths.std() / max(lengths.mean(), 1.0)),
        float(np.mean([len(w) for w in words])) if words else 0.0,
        len(set(head)) / max(len(head), 1),
        text.count(",") * per_word,
        (text.count(";") + text.count(":")) * per_word,
        (text.count("\u2014") + text.count("\u2013") + text.count(" - ")) * per_word,
        (text.count("!") + text.count("?")) * per_word,
        (text.count('"') + text.count("(")) * per_word,
        sum(c.isdigit() for c in text) * per_word,
        len(_CONTRACTION.findall(text)) * per_word,
        len(_FIRST_PERSON.findall(text)) * per_word,
        float(np.mean(lower_starts)) if lower_starts else 0.0,
        len(re.findall(r"(?:^|\s)i(?=[\s,.'])", text)) * per_word,
        len(_HEDGE.findall(text)) * per_word,
        100.0 * (text.count("\n\n") + 1) / n,
        1.0 - len(set(bigrams)) / max(len(bigrams), 1),
        sum(len(w) >= 9 for w in words) * per_word,
    ]
    return np.asarray(row, dtype=float)
