"""Decode any common audio file to 16 kHz mono float32, refusing what cannot be judged.

WAV, FLAC, OGG/Vorbis/Opus and MP3 go through libsndfile (soundfile); M4A/AAC, WebM
and other FFmpeg formats through PyAV. Every channel is averaged into one; 8-, 16-, 24-
and 32-bit integer and float samples all come out as float in [-1, 1]; resampling uses
soxr. The length is checked from the header before decoding (see :mod:`.validate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InputRejected
from . import limits
from .validate import AudioInfo, check_duration, probe_audio


@dataclass
class LoadedAudio:
    samples: np.ndarray  # float32, mono, 16 kHz
    info: AudioInfo
    clipped_fraction: float
    warnings: list[str] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return len(self.samples) / limits.SAMPLE_RATE


def load_audio(path: Path) -> LoadedAudio:
    """Decode ``path``; raise InputRejected with a reason a person understands."""
    info = probe_audio(Path(path))
    mixer = _Mixer()
    if info.backend == "soundfile":
        rate = _read_soundfile(Path(path), mixer)
    else:
        rate = _read_av(Path(path), mixer)
    return mixer.finish(rate, info)


class _Mixer:
    """Takes decoded blocks (frames x channels): checks them, counts clipping, downmixes.

    Blocks keep memory to one mono copy even for long multichannel files.
    """

    def __init__(self) -> None:
        self.blocks: list[np.ndarray] = []
        self.peak = 0.0
        self.clipped = 0
        self.values = 0

    def add(self, frames: np.ndarray) -> None:
        if frames.size == 0:
            return
        if not np.isfinite(frames).all():
            raise InputRejected(
                "the audio holds invalid samples (NaN or infinite values): the file is damaged"
            )
        magnitude = np.abs(frames)
        self.peak = max(self.peak, float(magnitude.max()))
        self.clipped += int((magnitude >= limits.CLIP_LEVEL).sum())
        self.values += magnitude.size
        self.blocks.append(frames.mean(axis=1) if frames.shape[1] > 1 else frames[:, 0].copy())

    def finish(self, rate: int, info: AudioInfo) -> LoadedAudio:
        if not self.blocks:
            raise InputRejected("the audio is empty: it holds no samples")
        mono = np.concatenate(self.blocks).astype(np.float32)
        self.blocks = []
        warnings: list[str] = []
        clipped = self.clipped / self.values if self.values else 0.0
        if self.peak > 1.0:
            # Floating-point files may exceed full scale: nothing was cut off at +-1, so
            # bring the level back instead of calling it clipped.
            mono /= self.peak
            clipped = 0.0
            warnings.append(
                f"samples exceeded full scale (peak {self.peak:.2f}); the audio was rescaled"
            )
        if clipped > limits.REJECT_CLIPPED_FRACTION:
            raise InputRejected(
                f"the audio is heavily clipped ({clipped:.0%} of samples at full scale): "
                "distortion this strong hides the cues the detectors rely on"
            )
        if clipped > limits.WARN_CLIPPED_FRACTION:
            warnings.append(f"{clipped:.1%} of samples are clipped; scores may be less reliable")
        check_duration(len(mono) / rate)
        if rate != limits.SAMPLE_RATE:
            import soxr

            mono = soxr.resample(mono, rate, limits.SAMPLE_RATE, quality="HQ")
        return LoadedAudio(
            np.ascontiguousarray(mono, dtype=np.float32), info, clipped, warnings=warnings
        )


def _read_soundfile(path: Path, mixer: _Mixer) -> int:
    import soundfile

    try:
        with soundfile.SoundFile(str(path)) as fh:
            rate = int(fh.samplerate)
            for block in fh.blocks(blocksize=rate * 10, dtype="float32", always_2d=True):
                mixer.add(block)
    except (soundfile.LibsndfileError, RuntimeError, MemoryError) as exc:
        raise InputRejected(f"the audio data is damaged and cannot be decoded: {exc}") from exc
    return rate


def _read_av(path: Path, mixer: _Mixer) -> int:
    """Decode the first audio track with FFmpeg, straight to 16 kHz mono float."""
    import av

    longest = limits.max_seconds()
    total = 0
    try:
        with av.open(str(path)) as container:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=limits.SAMPLE_RATE)
            for frame in container.decode(audio=0):
                for out in resampler.resample(frame):
                    chunk = out.to_ndarray().reshape(-1, 1)
                    mixer.add(chunk)
                    total += len(chunk)
                # Headers of streamed containers (e.g. WebM from a browser) may not state
                # a length; stop decoding as soon as the limit is passed.
                if total > (longest + 1) * limits.SAMPLE_RATE:
                    check_duration(total / limits.SAMPLE_RATE)
            for out in resampler.resample(None):
                mixer.add(out.to_ndarray().reshape(-1, 1))
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise InputRejected(f"the audio data is damaged and cannot be decoded: {exc}") from exc
    return limits.SAMPLE_RATE
