"""Second audio detector: a trained linear head on Whisper-base encoder features.

A different view of the signal from AASIST's raw-waveform filters: Whisper's 80-band
log-mel front end and its speech-trained transformer encoder, pooled over each speech
window, plus utterance statistics of MFCC (with deltas), LFCC and spectral contrast.
The head (``heads/whisper_head.json``) is a logistic regression trained by
``manage.py train_audio_head`` on real versus synthetic speech, held out by generator
family; its provenance and held-out figures are in the file.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..result import ModelRef
from ..weights import sha256_file
from .detector import WindowDetector
from .features import WindowFeatures
from .head import LinearHead
from .paths import HEAD_PATH
from .whisper_encoder import MODEL_BIN_SHA256
from .whisper_encoder import MODEL_ID as WHISPER_ID


class WhisperHeadDetector(WindowDetector):
    name = "audio.whisper_head"
    batch_size = 16

    def __init__(self) -> None:
        super().__init__()
        self._features: WindowFeatures | None = None
        self._head: LinearHead | None = None
        self._head_sha256 = ""

    def _load_model(self) -> None:
        self._head = LinearHead.load(HEAD_PATH)
        self._head_sha256 = sha256_file(HEAD_PATH)
        self._features = WindowFeatures(self._head.feature)

    def models(self) -> list[ModelRef]:
        return [
            ModelRef(id=WHISPER_ID, revision=MODEL_BIN_SHA256),
            ModelRef(id="aidetect/audio-whisper-head", revision=self._head_sha256),
        ]

    def _score_batch(self, windows: Sequence[np.ndarray]) -> np.ndarray:
        assert self._features is not None and self._head is not None
        return self._head.logit(self._features.matrix(windows))
