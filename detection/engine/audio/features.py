"""The feature vectors a trained head can read: Whisper encoder and/or spectral statistics.

Kept in one place so ``train_audio_head`` and the detector compute exactly the same
thing. The head file records its feature id and the detector computes that one.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..errors import ModelUnavailable
from .spectral import FEATURE_ID as SPECTRAL_ID
from .spectral import spectral_features
from .whisper_encoder import EMBED_DIM
from .whisper_encoder import FEATURE_ID as WHISPER_ID

BOTH_ID = f"{WHISPER_ID}+{SPECTRAL_ID}"
# feature id -> which parts, in order
FEATURE_SETS: dict[str, tuple[str, ...]] = {
    WHISPER_ID: ("whisper",),
    SPECTRAL_ID: ("spectral",),
    BOTH_ID: ("whisper", "spectral"),
}


def select(whisper: np.ndarray, spectral: np.ndarray, feature_id: str) -> np.ndarray:
    """Assemble the rows a head with ``feature_id`` reads from precomputed parts."""
    parts = {"whisper": whisper, "spectral": spectral}
    return np.concatenate([parts[p] for p in FEATURE_SETS[feature_id]], axis=1)


class WindowFeatures:
    def __init__(self, feature_id: str = BOTH_ID, threads: int = 0) -> None:
        if feature_id not in FEATURE_SETS:
            raise ModelUnavailable(f"unknown audio feature {feature_id!r}")
        self.feature_id = feature_id
        self.parts = FEATURE_SETS[feature_id]
        self.encoder = None
        if "whisper" in self.parts:
            from .whisper_encoder import WhisperEncoder

            self.encoder = WhisperEncoder(threads=threads)

    def parts_of(self, windows: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(whisper, spectral) rows for the windows; a part not used is all zeros."""
        n = len(windows)
        whisper = np.zeros((n, EMBED_DIM), dtype=np.float32)
        spectral = np.zeros((n, 0), dtype=np.float32)
        if self.encoder is not None:
            whisper = np.stack([self.encoder.embed(w) for w in windows])
        if "spectral" in self.parts:
            spectral = np.stack([spectral_features(w) for w in windows])
        return whisper, spectral

    def matrix(self, windows: Sequence[np.ndarray]) -> np.ndarray:
        whisper, spectral = self.parts_of(windows)
        return select(whisper, spectral, self.feature_id)
