"""Cache the features of every pool clip, computed exactly as the detector computes them.

Each clip (clean and augmented copy) goes through the detector's own steps: Silero VAD,
speech joined, cut into file windows (64,600 samples, 50 % overlap) and into live windows
(2 s every 1.5 s), each window loudness-normalised. Cached per window:

- ``whisper``: Whisper-base encoder mean/std (1,024) and the spectral statistics (172) of
  every file window and every live window (cheap: ~0.1 s a window);
- ``cnn``: the anti-spoofing networks (AASIST, AASIST-L, RawGAT-ST: logits and the vector
  their last layer reads) on the first file window of the clip (~1.5-3 s a window and a
  network on this CPU, so one window per clip, as the detector's bounded CNN budget does).

Shards of ``SHARD`` clips are written as ``.npz`` under ``<features>/<kind>/`` and skipped
when present, so an interrupted run resumes where it stopped.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np

from ..windows import plan_windows
from .augment import normalise
from .pool_build import PoolClip, read_manifest

SHARD = 50
FILE_WINDOW, FILE_HOP = 64_600, 32_300
LIVE_WINDOW, LIVE_HOP = 32_000, 24_000
MAX_FILE_WINDOWS = 2
MAX_LIVE_WINDOWS = 2


def speech_windows(
    samples: np.ndarray,
    size: int,
    hop: int,
    limit: int,
    segments: list[tuple[int, int]] | None = None,
) -> list[np.ndarray]:
    """Up to ``limit`` normalised speech windows, spread evenly over the recording."""
    from ..analysis import speech_finder

    if segments is None:
        segments = speech_finder().segments(samples)
    windows = plan_windows(samples, segments, size, hop).windows
    picks = np.unique(np.linspace(0, len(windows) - 1, min(limit, len(windows))).round())
    return [normalise(windows[int(i)].samples) for i in picks] if windows else []


def _items(pool: Path) -> list[tuple[str, str, PoolClip]]:
    clips = read_manifest(pool / "manifest.csv")
    # Round-robin over families so that a partial run covers every family.
    by_family: dict[str, list[PoolClip]] = {}
    for clip in clips:
        by_family.setdefault(clip.family if clip.label == "synthetic" else clip.source, []).append(
            clip
        )
    ordered: list[PoolClip] = []
    queues = [list(v) for _, v in sorted(by_family.items())]
    while any(queues):
        for q in queues:
            if q:
                ordered.append(q.pop(0))
    # One copy of every clip first (clean or augmented, by the clip id), then the other:
    # a partial run still has every clip once.
    first, second = [], []
    for clip in ordered:
        clean = (f"{clip.clip_id}:clean", clip.clean_path, clip)
        aug = (f"{clip.clip_id}:aug", clip.aug_path, clip)
        if _aug_first(clip):
            first.append(aug)
            second.append(clean)
        else:
            first.append(clean)
            second.append(aug)
    return first + second


def _aug_first(clip: PoolClip) -> bool:
    return int(clip.clip_id[:2], 16) % 2 == 1


def _read(pool: Path, rel: str) -> np.ndarray:
    import soundfile as sf

    samples, _ = sf.read(pool / rel, dtype="float32")
    return samples


def whisper_rows(samples: np.ndarray, encoder: Any) -> dict[str, np.ndarray]:
    from ..analysis import speech_finder
    from ..spectral import spectral_features

    segments = speech_finder().segments(samples)
    out: dict[str, np.ndarray] = {}
    for name, size, hop, limit in (
        ("file", FILE_WINDOW, FILE_HOP, MAX_FILE_WINDOWS),
        ("live", LIVE_WINDOW, LIVE_HOP, MAX_LIVE_WINDOWS),
    ):
        windows = speech_windows(samples, size, hop, limit, segments)
        out[f"{name}_whisper"] = (
            np.stack([encoder.embed(w) for w in windows]) if windows else np.zeros((0, 1024))
        )
        out[f"{name}_spectral"] = (
            np.stack([spectral_features(w) for w in windows]) if windows else np.zeros((0, 172))
        )
    return out


class CnnBank:
    """The three anti-spoofing networks: per window, the last-layer input and the logits."""

    def __init__(self) -> None:
        from ..voice_members import CNN_MEMBERS, CnnMember

        self.members = [CnnMember(name) for name in CNN_MEMBERS]
        for member in self.members:
            member.load()

    def rows(self, window: np.ndarray) -> dict[str, np.ndarray]:
        return {f"cnn_{m.name}": m.vector(window) for m in self.members}


def run(kind: str, pool: Path, features: Path, only_variant_parity: bool = True) -> None:
    import torch

    torch.set_num_threads(1)
    items = _items(pool)
    if kind == "cnn" and only_variant_parity:
        # One variant per clip (clean or augmented, by the clip id) to bound the cost.
        items = [it for it in items if it[0].endswith(":aug") == _aug_first(it[2])]
    target = features / kind
    target.mkdir(parents=True, exist_ok=True)
    encoder: Any = None
    bank: CnnBank | None = None
    if kind == "whisper":
        from ..whisper_encoder import WhisperEncoder

        encoder = WhisperEncoder(threads=1)
    else:
        bank = CnnBank()
    for start in range(0, len(items), SHARD):
        shard = target / f"shard_{start // SHARD:04d}.npz"
        if shard.exists():
            continue
        arrays: dict[str, np.ndarray] = {}
        for key, rel, _clip in items[start : start + SHARD]:
            samples = _read(pool, rel)
            if kind == "whisper":
                rows = whisper_rows(samples, encoder)
            else:
                assert bank is not None
                windows = speech_windows(samples, FILE_WINDOW, FILE_HOP, 1)
                if not windows:
                    continue
                rows = bank.rows(windows[0])
            for name, value in rows.items():
                arrays[f"{key}|{name}"] = np.asarray(value, dtype=np.float32)
        np.savez(shard.with_suffix(".tmp.npz"), **arrays)  # type: ignore[arg-type]
        shard.with_suffix(".tmp.npz").replace(shard)
        print(f"{kind}: {min(start + SHARD, len(items))}/{len(items)}", flush=True)


def load(features: Path, kind: str) -> dict[str, dict[str, np.ndarray]]:
    """{item key: {feature name: array}} from every shard of ``kind``."""
    out: dict[str, dict[str, np.ndarray]] = {}
    for shard in sorted((features / kind).glob("*shard_*.npz")):
        if shard.name.endswith(".tmp.npz"):
            continue
        with np.load(shard) as data:
            for name in data.files:
                key, feature = name.split("|", 1)
                out.setdefault(key, {})[feature] = data[name]
    return out


if (
    __name__ == "__main__"
):  # python -m detection.engine.audio.train.pool_features KIND POOL FEATURES
    run(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
