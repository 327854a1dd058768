"""Voice activity detection with Silero VAD (ONNX, shipped inside the silero-vad wheel).

Silence, music-free noise and digital zeros are not speech; they are reported as such and
never scored as AI or human. Digital silence is also a known shortcut of anti-spoofing
models (ASVspoof 2019 clips differ in leading silence), so only speech is scored.
"""

from __future__ import annotations

import threading

import numpy as np

from ..errors import ModelUnavailable
from ..weights import packaged_file
from .limits import SAMPLE_RATE

MODEL_ID = "snakers4/silero-vad"
INSTALL_HINT = "pip install silero-vad"
# Segments shorter than this are not treated as speech; pauses shorter than
# MIN_SILENCE_MS do not split a segment.
MIN_SPEECH_MS = 250
MIN_SILENCE_MS = 300
SPEECH_PAD_MS = 60
THRESHOLD = 0.5


def probe() -> None:
    packaged_file("silero_vad", "data/silero_vad.onnx", INSTALL_HINT)


def package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("silero-vad")
    except PackageNotFoundError:
        return ""


class SpeechFinder:
    """Finds speech segments; one ONNX session, used under a lock (it keeps RNN state)."""

    def __init__(self) -> None:
        probe()
        try:
            from silero_vad import get_speech_timestamps, load_silero_vad
        except ImportError as exc:  # pragma: no cover - probe() checked the package
            raise ModelUnavailable(f"silero-vad cannot be imported: {exc}") from exc
        self._model = load_silero_vad(onnx=True)
        self._timestamps = get_speech_timestamps
        self._lock = threading.Lock()

    def segments(self, samples: np.ndarray) -> list[tuple[int, int]]:
        """Speech as (start, end) sample indices at 16 kHz, in order, non-overlapping."""
        import torch

        if len(samples) < 512 or not np.any(samples):
            return []
        with self._lock, torch.inference_mode():
            self._model.reset_states()
            found = self._timestamps(
                torch.from_numpy(np.ascontiguousarray(samples, dtype=np.float32)),
                self._model,
                threshold=THRESHOLD,
                sampling_rate=SAMPLE_RATE,
                min_speech_duration_ms=MIN_SPEECH_MS,
                min_silence_duration_ms=MIN_SILENCE_MS,
                speech_pad_ms=SPEECH_PAD_MS,
            )
        return [(int(s["start"]), int(s["end"])) for s in found]
