"""The feature extractors behind the voice detector's members (shared with training).

:func:`normalise_window` is the loudness normalisation every window gets, in training and
at inference alike, so loudness cannot act as a shortcut. :class:`FeatureBank` computes
the Whisper-encoder and spectral vectors of a window; :class:`CnnMember` is one
anti-spoofing network with the linear head trained on the vector before its last layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from ..result import ModelRef
from .head import LinearHead
from .limits import SAMPLE_RATE
from .tracing import TracingHead
from .windows import repeat_to

CNN_MEMBERS = ("rawgat", "aasist", "aasist_l")
REAL_CLASS = "~real"  # the real-speech class of the family head
FAMILY_FEATURE = "file_whisper+file_spectral"
CNN_INPUT = 64_600
NORMALISE_RMS_DB = -26.0


def normalise_window(x: np.ndarray, rms_db: float = NORMALISE_RMS_DB) -> np.ndarray:
    """Scale to a fixed RMS over the louder half of 20 ms frames, peaks kept below 0.99."""
    x = np.asarray(x, dtype=np.float32)
    frame = SAMPLE_RATE // 50
    n = len(x) // frame
    if n == 0 or not np.any(x):
        return x
    energy = np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1)
    active = energy[energy >= np.median(energy)]
    rms = float(np.sqrt(np.mean(active))) + 1e-9
    y = x * (10 ** (rms_db / 20) / rms)
    peak = float(np.max(np.abs(y)))
    if peak > 0.99:
        y *= 0.99 / peak
    return y.astype(np.float32)


class FamilyHead:
    """The ``families`` member: a multinomial head over real speech and every training
    family (Whisper + spectral features of a window); its score is log P(not real) /
    P(real). Stored in the tracing head's format, with the real class among the classes."""

    def __init__(self, tracing: TracingHead, feature: str = FAMILY_FEATURE) -> None:
        if REAL_CLASS not in tracing.families:
            raise ValueError(f"a family head needs the {REAL_CLASS!r} class")
        self.tracing = tracing
        self.feature = feature
        self._real = tracing.families.index(REAL_CLASS)

    def logit(self, features: np.ndarray) -> np.ndarray:
        p = self.tracing.probabilities(np.atleast_2d(features))[:, self._real]
        p = np.clip(p, 1e-9, 1 - 1e-9)
        return np.log1p(-p) - np.log(p)

    def save(self, path: Path) -> None:
        self.tracing.save(path)

    @classmethod
    def load(cls, path: Path) -> FamilyHead:
        return cls(TracingHead.load(path))


class FeatureBank:
    """Whisper-base encoder mean/std (1,024) and spectral statistics (172) of a window."""

    def __init__(self, threads: int | None = None) -> None:
        from .. import settings
        from .whisper_encoder import MODEL_BIN_SHA256, MODEL_ID, WhisperEncoder

        if threads is None:
            threads = settings.current().audio.whisper_threads
        self.encoder = WhisperEncoder(threads=threads)
        self.whisper_model_id = MODEL_ID
        self.whisper_revision = MODEL_BIN_SHA256

    def whisper(self, window: np.ndarray) -> np.ndarray:
        return self.encoder.embed(window)

    def whisper_many(self, windows: list[np.ndarray]) -> list[np.ndarray]:
        return self.encoder.embed_many(windows)

    def spectral(self, window: np.ndarray) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        from .spectral import spectral_features

        # Small FFTs and matrix products: BLAS threads only contend with the other jobs
        # on the cores (0.12 s a 2 s window with them, 3 ms without, measured here).
        with threadpool_limits(limits=1):
            return spectral_features(window)

    def whisper_spectral(self, window: np.ndarray) -> np.ndarray:
        return np.concatenate([self.whisper(window), self.spectral(window)])


class CnnMember:
    """An anti-spoofing network read by a trained head (its last-layer input + logits)."""

    def __init__(self, name: str, head_path: Path | None = None) -> None:
        if name not in CNN_MEMBERS:
            raise ValueError(f"unknown anti-spoofing member {name!r}")
        self.name = name
        self.head = LinearHead.load(head_path) if head_path is not None else None
        self._net: Any = None
        self._captured: Any = None

    def load(self) -> None:
        if self._net is not None:
            return
        if self.name == "rawgat":
            from .rawgat import load_rawgat

            self._net = load_rawgat()
        else:
            from .aasist import load_network

            self._net = load_network("AASIST" if self.name == "aasist" else "AASIST-L")
            self._net.out_layer.register_forward_hook(self._grab)

    def _grab(self, _module: Any, inputs: Any, _output: Any) -> None:
        self._captured = inputs[0].detach()

    def vector(self, window: np.ndarray) -> np.ndarray:
        """The head's input for one window: last-layer input and the two logits."""
        import torch

        self.load()
        x = torch.from_numpy(repeat_to(window, CNN_INPUT)[None].astype(np.float32))
        with torch.inference_mode():
            if self.name == "rawgat":
                embed = self._net.embed(x)
                logits = self._net.proj_node(embed)
            else:
                logits = self._net(x)
                embed = self._captured
        return np.concatenate([embed.numpy()[0], logits.numpy()[0]])

    def score(self, window: np.ndarray) -> float:
        if self.head is None:
            raise ValueError(f"{self.name} was built without a head")
        return float(self.head.logit(self.vector(window)[None])[0])

    def model_ref(self) -> ModelRef:
        if self.name == "rawgat":
            from .rawgat import MODEL_ID, WEIGHTS

            return ModelRef(id=MODEL_ID, revision=WEIGHTS.sha256)
        from .aasist_weights import WEIGHTS as AASIST_WEIGHTS

        variant = "AASIST" if self.name == "aasist" else "AASIST-L"
        return ModelRef(id=f"clovaai/aasist:{variant}", revision=AASIST_WEIGHTS[variant].sha256)
