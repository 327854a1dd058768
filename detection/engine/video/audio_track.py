"""Extract a video's audio track as 16 kHz mono WAV (PyAV) and run the audio detector on it."""

from __future__ import annotations

import logging
import tempfile
import wave
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputRejected, ModelUnavailable
from ..result import DetectionResult

log = logging.getLogger(__name__)

SAMPLE_RATE = 16_000
MIN_SECONDS = 0.5


@dataclass
class AudioOutcome:
    result: DetectionResult | None
    status: str  # "analysed", "no audio track", or why it was not analysed
    seconds: float = 0.0


def has_audio(path: Path) -> bool:
    import av

    try:
        with av.open(str(path)) as container:
            return bool(container.streams.audio)
    except (av.error.FFmpegError, OSError):
        return False


def extract_wav(path: Path, dest: Path, max_seconds: float | None = None) -> float:
    """Write the first audio track to ``dest`` as 16-bit 16 kHz mono; return its seconds."""
    import av

    chunks: list[np.ndarray] = []
    total = 0
    limit = int(max_seconds * SAMPLE_RATE) if max_seconds else None
    with av.open(str(path)) as container:
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                samples = out.to_ndarray().reshape(-1)
                chunks.append(samples)
                total += len(samples)
            if limit is not None and total >= limit:
                break
        for out in resampler.resample(None):  # flush what the resampler holds back
            chunks.append(out.to_ndarray().reshape(-1))
    pcm = np.concatenate(chunks).astype(np.int16) if chunks else np.zeros(0, np.int16)
    if limit is not None:
        pcm = pcm[:limit]
    with wave.open(str(dest), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(pcm.tobytes())
    return len(pcm) / SAMPLE_RATE


def analyse(
    path: Path, options: Mapping[str, Any] | None = None, workdir: Path | None = None
) -> AudioOutcome:
    """Run the registered default audio detector on the video's soundtrack, if both exist."""
    from .. import registry

    if not has_audio(path):
        return AudioOutcome(None, "no audio track")
    try:
        spec = registry.default_spec("audio")
        detector = registry.get_detector(spec.name)
    except ModelUnavailable as exc:
        return AudioOutcome(None, f"audio not analysed: no audio detector is available ({exc})")
    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        wav_path = Path(tmp) / "soundtrack.wav"
        try:
            seconds = extract_wav(path, wav_path)
        except Exception as exc:  # PyAV raises many error types on damaged audio
            log.warning("audio extraction from %s failed: %s", path, exc)
            return AudioOutcome(None, f"audio not analysed: the track cannot be decoded ({exc})")
        if seconds < MIN_SECONDS:
            return AudioOutcome(
                None, f"audio not analysed: the track is only {seconds:.2f} s", seconds
            )
        try:
            result = detector.detect(
                wav_path, options=dict((options or {}).get("audio_options", {}))
            )
        except InputRejected as exc:
            return AudioOutcome(None, f"audio not analysed: {exc}", seconds)
        except ModelUnavailable as exc:
            return AudioOutcome(None, f"audio not analysed: {exc}", seconds)
    return AudioOutcome(result, "analysed", seconds)
