"""A small language guess from scripts and stopwords (stdlib only, no data files).

Every model in the text ensemble was trained or calibrated on English only, so the
ensemble needs to know when a text is not English in order to say so. Two signals:

1. Script: the share of letters in Latin, Cyrillic, Greek, Arabic, Hebrew, Devanagari,
   Han/Kana, Hangul or Thai. A text mostly in a non-Latin script is not English.
2. For Latin-script text, the share of words that are common function words of each of
   nine languages. Function words make up 40-50 % of running prose in these languages,
   so a paragraph of 40+ words identifies itself clearly.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

_STOPWORD_LISTS = {
    "en": """the of and to a in is that it for was on as with be by this are at from or
        an have not but which they you he she we his her their has had were been would
        there can will its""",
    "de": """der die das und ist nicht ein eine zu den mit sich des auf für im dem von
        auch es an werden aus er hat dass sie nach wird bei einer um noch wie über""",
    "fr": """le la les de des et est un une du en que qui dans pour pas sur au plus ne se
        par il elle avec ce sont aux ou mais nous vous leur été cette""",
    "es": """el la los las de del y en que un una es por con para no se su al lo como
        más pero sus le ya o este ha muy también fue entre cuando sin sobre""",
    "it": """il lo la i gli le di del della e che un una è per non con si da sono al nel
        alla anche come più ma ha questo suo dei delle""",
    "pt": """o a os as de do da dos das e que um uma é em para com não no na por se mais
        como mas foi ao ele ela seu sua ou são também""",
    "nl": """de het een en van in is dat op te zijn met voor niet aan er ook als bij door
        maar om dan nog wordt hij ze worden naar""",
    "sv": """och i att det som en på är av för med till den har de inte om ett men var
        jag sig från så kan vi när""",
    "pl": """i w na z że się nie do jest to jak o ale po co tak za od przez już jego są
        czy dla lub oraz""",
}
STOPWORDS: dict[str, frozenset[str]] = {
    lang: frozenset(words.split()) for lang, words in _STOPWORD_LISTS.items()
}

SCRIPTS = (
    ("latin", "LATIN"),
    ("cyrillic", "CYRILLIC"),
    ("greek", "GREEK"),
    ("arabic", "ARABIC"),
    ("hebrew", "HEBREW"),
    ("devanagari", "DEVANAGARI"),
    ("han", "CJK"),
    ("kana", "HIRAGANA"),
    ("kana", "KATAKANA"),
    ("hangul", "HANGUL"),
    ("thai", "THAI"),
)
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
MIN_SHARE = 0.08  # below this share of stopwords no Latin-script language is claimed


@dataclass(frozen=True)
class LanguageGuess:
    language: str  # ISO 639-1 code, or "und" when undetermined
    confidence: float  # 0..1, the winning signal's margin
    script: str
    scores: dict[str, float]

    @property
    def is_english(self) -> bool:
        return self.language == "en"


def _script_of(char: str) -> str:
    try:
        name = unicodedata.name(char)
    except ValueError:
        return "other"
    for script, prefix in SCRIPTS:
        if name.startswith(prefix):
            return script
    return "other"


def detect_language(text: str) -> LanguageGuess:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return LanguageGuess("und", 0.0, "none", {})
    scripts = Counter(_script_of(c) for c in letters[:5000])
    script, count = scripts.most_common(1)[0]
    if script == "han" and scripts["kana"] >= 0.1 * count:
        script = "kana"  # Japanese writes kanji and kana together; Chinese uses no kana
    if script != "latin":
        return LanguageGuess(
            {
                "cyrillic": "ru",
                "greek": "el",
                "arabic": "ar",
                "hebrew": "he",
                "hangul": "ko",
                "devanagari": "hi",
                "han": "zh",
                "kana": "ja",
                "thai": "th",
            }.get(script, "und"),
            round(count / len(letters[:5000]), 3),
            script,
            {},
        )
    words = [w.lower() for w in _WORD.findall(text[:20000])]
    if not words:
        return LanguageGuess("und", 0.0, script, {})
    shares = {lang: sum(w in stop for w in words) / len(words) for lang, stop in STOPWORDS.items()}
    ranked = sorted(shares.items(), key=lambda kv: kv[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top < MIN_SHARE:
        return LanguageGuess("und", 0.0, script, _rounded(shares))
    confidence = (top - second) / top
    return LanguageGuess(best, round(confidence, 3), script, _rounded(shares))


def _rounded(shares: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 3) for k, v in shares.items()}
