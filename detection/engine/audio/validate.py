"""Cheap upload check for audio: read the header, decode a moment, check the limits.

Torch-free and fast: the web process calls :func:`validate_upload` right after an upload.
The length comes from the container header (libsndfile, else FFmpeg through PyAV), so a
three-hour file is refused in milliseconds without being decoded.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import InputRejected
from ..sniff import looks_like_text, sniff
from . import limits


@dataclass(frozen=True)
class AudioInfo:
    backend: str  # "soundfile" (libsndfile) or "av" (FFmpeg)
    format: str  # container, e.g. "WAV", "FLAC", "mp4"
    codec: str  # sample format or codec, e.g. "PCM_16", "aac"
    sample_rate: int
    channels: int
    duration_s: float | None  # None when the container does not state it

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _soundfile_info(path: Path) -> AudioInfo | None:
    import soundfile

    try:
        info = soundfile.info(str(path))
    except (soundfile.LibsndfileError, RuntimeError, OSError):
        return None
    duration = info.frames / info.samplerate if info.samplerate > 0 else None
    return AudioInfo(
        "soundfile", info.format, info.subtype, info.samplerate, info.channels, duration
    )


def _av_info(path: Path) -> AudioInfo | None:
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise InputRejected("not an audio file: it holds no audio track")
            stream = container.streams.audio[0]
            duration: float | None = None
            if stream.duration is not None and stream.time_base is not None:
                duration = float(stream.duration * stream.time_base)
            elif container.duration is not None:
                duration = container.duration / 1_000_000  # AV_TIME_BASE units
            return AudioInfo(
                "av",
                container.format.name,
                stream.codec_context.name,
                int(stream.rate or stream.codec_context.sample_rate or 0),
                _channels(stream.codec_context),
                duration,
            )
    except InputRejected:
        raise
    except (av.FFmpegError, OSError, ValueError, IndexError):
        return None


def _channels(codec_context: Any) -> int:
    layout = getattr(codec_context, "layout", None)
    channels = getattr(layout, "nb_channels", None) if layout is not None else None
    if channels:
        return int(channels)
    return int(getattr(codec_context, "channels", 0) or 0)


def probe_audio(path: Path) -> AudioInfo:
    """Identify an audio file from its header; raise InputRejected when it is not one."""
    path = Path(path)
    try:
        size = path.stat().st_size
        head = path.open("rb").read(4096)
    except OSError as exc:
        raise InputRejected(f"the file cannot be read: {exc.strerror or exc}") from exc
    if size == 0:
        raise InputRejected("the file is empty")
    sniffed = sniff(head)
    if sniffed is not None and sniffed.modality == "image":
        raise InputRejected(f"not an audio file: it is an image ({sniffed.content_type})")
    if sniffed is None and looks_like_text(head):
        raise InputRejected("not an audio file: it is text")
    info = _soundfile_info(path) or _av_info(path)
    if info is None:
        raise InputRejected("not an audio file, or a damaged one: it could not be decoded")
    check_info(info)
    return info


def check_info(info: AudioInfo) -> None:
    """Refuse what the header already shows to be out of bounds."""
    if info.channels < 1 or info.channels > limits.MAX_CHANNELS:
        raise InputRejected(f"unsupported channel count {info.channels}")
    if not limits.MIN_SAMPLE_RATE <= info.sample_rate <= limits.MAX_SAMPLE_RATE:
        raise InputRejected(
            f"unsupported sample rate {info.sample_rate} Hz (supported: "
            f"{limits.MIN_SAMPLE_RATE}-{limits.MAX_SAMPLE_RATE} Hz)"
        )
    if info.duration_s is None:
        return  # streams without a stated length are checked while decoding
    if not math.isfinite(info.duration_s) or info.duration_s <= 0:
        raise InputRejected("the audio is empty: it holds no samples")
    check_duration(info.duration_s)


def check_duration(seconds: float) -> None:
    longest = limits.max_seconds()
    if seconds > longest:
        raise InputRejected(
            f"the audio is too long: {_clock(seconds)}; the limit is {_clock(longest)}"
        )
    if seconds < limits.MIN_SECONDS:
        raise InputRejected(
            f"the audio is too short: {seconds:.2f} s; at least {limits.MIN_SECONDS} s is needed"
        )


def _clock(seconds: float) -> str:
    whole = round(seconds)
    h, rest = divmod(whole, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _decode_a_moment(path: Path, info: AudioInfo) -> None:
    """Decode about the first second so a file with a valid header but a broken body fails."""
    if info.backend == "soundfile":
        import soundfile

        try:
            with soundfile.SoundFile(str(path)) as fh:
                fh.read(frames=min(info.sample_rate, 1 << 20), dtype="float32")
        except (soundfile.LibsndfileError, RuntimeError) as exc:
            raise InputRejected(f"the audio data is damaged: {exc}") from exc
        return
    import av

    try:
        with av.open(str(path)) as container:
            for _ in zip(range(8), container.decode(audio=0), strict=False):
                pass
    except (av.FFmpegError, OSError, ValueError) as exc:
        raise InputRejected(f"the audio data is damaged: {exc}") from exc


def validate_upload(path: Path) -> dict[str, object]:
    """Header + first-second decode check; returns metadata for the upload record."""
    info = probe_audio(Path(path))
    _decode_a_moment(Path(path), info)
    return info.to_dict()
