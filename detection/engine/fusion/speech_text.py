"""Speech against text: what is said in an audio part (or a video's soundtrack) compared
with the post's caption.

The speech is transcribed with the packaged Whisper base model (CTranslate2, the same
weights the audio detector's encoder uses: ``audio.whisper_encoder.model_dir``) through
faster-whisper, then compared with the caption two ways:

- word overlap: the share of the caption's content words (stop words dropped) that are
  heard, and the Jaccard overlap of the two content-word sets;
- meaning: the cosine of the two texts' all-MiniLM-L6-v2 embeddings (the text ensemble's
  embedding model, mean-pooled over sentences).

Rule (documented, not fitted: there are no labelled caption/speech pairs to fit it on):
``match`` when the similarity is at least MATCH_SIMILARITY or the caption's words are
mostly heard (MATCH_OVERLAP); ``contradiction`` when the similarity is below
UNRELATED_SIMILARITY and almost no caption word is heard; otherwise ``unclear``. No
speech, or a caption without content words, is ``unclear`` with the reason. The figures
measured with these cuts are printed by ``bench/speech_text.py``.

Plain Python + numpy; no Django. Runs on a worker (it loads ctranslate2 and torch).
"""

from __future__ import annotations

import re
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

MATCH_SIMILARITY = 0.55
MATCH_OVERLAP = 0.5
UNRELATED_SIMILARITY = 0.2
UNRELATED_OVERLAP = 0.1
MIN_SPEECH_WORDS = 3
MAX_AUDIO_S = 120.0  # longer speech is transcribed from its first two minutes
_STOP_TEXT = (
    "a an the and or but if then so of to in on at by for with from as is are was were be "
    "been being it its this that these those i you he she we they me him her us them my your "
    "his our their not no yes do does did have has had will would can could should may might "
    "must just very too also there here what which who whom whose when where why how all any "
    "some such than into over under about up down out off again once only own same other "
    "more most"
)
STOP_WORDS = frozenset(_STOP_TEXT.split())
_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)


def content_words(text: str) -> list[str]:
    return [w for w in (m.group(0).lower() for m in _WORD.finditer(text)) if w not in STOP_WORDS]


@dataclass
class Transcript:
    text: str
    language: str
    language_probability: float
    duration_s: float
    segments: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class SpeechTextCheck:
    outcome: str  # match | contradiction | unclear
    reason: str
    similarity: float | None
    caption_words_heard: float | None
    jaccard: float | None
    shared_words: list[str]
    transcript: dict[str, Any]
    rule: str = (
        f"documented rule: match if MiniLM cosine >= {MATCH_SIMILARITY} or caption words heard "
        f">= {MATCH_OVERLAP}; contradiction if cosine < {UNRELATED_SIMILARITY} and heard < "
        f"{UNRELATED_OVERLAP}; else unclear"
    )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class Transcriber:
    """faster-whisper over the packaged Whisper base weights; loaded once per process."""

    def __init__(self, threads: int = 1) -> None:
        self.threads = threads
        self._model: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        with self._lock:
            if self._model is None:
                from faster_whisper import WhisperModel

                from ..audio.whisper_encoder import model_dir

                self._model = WhisperModel(
                    str(model_dir()), device="cpu", compute_type="int8", cpu_threads=self.threads
                )

    def transcribe(self, path: Path) -> Transcript:
        from faster_whisper.audio import decode_audio

        self.load()
        audio = decode_audio(str(path), sampling_rate=16000)  # video: its soundtrack
        audio = audio[: int(MAX_AUDIO_S * 16000)]
        segments, info = self._model.transcribe(
            audio, beam_size=1, vad_filter=False, condition_on_previous_text=False
        )
        parts = [
            {"start": round(s.start, 2), "end": round(s.end, 2), "text": s.text.strip()}
            for s in segments
        ]
        return Transcript(
            text=" ".join(p["text"] for p in parts).strip(),
            language=info.language,
            language_probability=round(float(info.language_probability), 3),
            duration_s=round(float(len(audio)) / 16000, 2),
            segments=parts,
        )


class Embedder:
    """Text embeddings with the text ensemble's MiniLM (mean of its sentence vectors)."""

    def __init__(self) -> None:
        self._extractor: Any = None

    def embed(self, text: str) -> np.ndarray:
        if self._extractor is None:
            from ..text.members.extractors import EmbeddingExtractor

            extractor = EmbeddingExtractor()
            extractor.load()
            self._extractor = extractor
        [arrays] = self._extractor.extract([text])
        vectors = arrays["sentence_vectors"]
        if len(vectors) == 0:
            vectors = self._extractor.embed([text])
        mean = np.asarray(vectors, dtype=np.float64).mean(axis=0)
        return mean / max(float(np.linalg.norm(mean)), 1e-9)


def compare(transcript: Transcript, caption: str, embedder: Embedder) -> SpeechTextCheck:
    heard, said = content_words(transcript.text), content_words(caption)
    evidence = asdict(transcript)
    if len(transcript.text.split()) < MIN_SPEECH_WORDS:
        return SpeechTextCheck("unclear", "no speech to compare", None, None, None, [], evidence)
    if not said:
        return SpeechTextCheck(
            "unclear", "the caption has no content words", None, None, None, [], evidence
        )
    heard_set, said_set = set(heard), set(said)
    shared = sorted(heard_set & said_set)
    caption_heard = len(shared) / len(said_set)
    jaccard = len(shared) / len(heard_set | said_set)
    similarity = float(np.dot(embedder.embed(transcript.text), embedder.embed(caption)))
    if similarity >= MATCH_SIMILARITY or caption_heard >= MATCH_OVERLAP:
        outcome, reason = "match", "the speech says what the caption says"
    elif similarity < UNRELATED_SIMILARITY and caption_heard < UNRELATED_OVERLAP:
        outcome, reason = "contradiction", "the speech is about something else than the caption"
    else:
        outcome, reason = "unclear", "the speech and the caption overlap only in part"
    return SpeechTextCheck(
        outcome,
        reason,
        round(similarity, 4),
        round(caption_heard, 4),
        round(jaccard, 4),
        shared[:50],
        evidence,
    )


_shared: dict[str, Any] = {}
_shared_lock = threading.Lock()


def check_speech(path: Path, caption: str) -> dict[str, Any]:
    """The check as a detector's evidence (``options["caption"]`` on an audio or video job),
    with the transcriber and embedder loaded once per process."""
    with _shared_lock:
        if not _shared:
            from .. import settings

            _shared["transcriber"] = Transcriber(threads=settings.current().text.scoring_threads())
            _shared["embedder"] = Embedder()
    try:
        transcript = _shared["transcriber"].transcribe(path)
    except Exception as exc:  # e.g. a video without a soundtrack: no speech to compare
        empty = Transcript(text="", language="", language_probability=0.0, duration_s=0.0)
        check = compare(empty, caption, _shared["embedder"])
        check.reason = f"no speech to compare ({type(exc).__name__})"
        return check.to_dict()
    return compare(transcript, caption, _shared["embedder"]).to_dict()
