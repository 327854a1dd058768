"""Decoding and upload checks: formats, sample types, limits and bad input (no models)."""

from __future__ import annotations

import struct
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from detection.engine.audio.loading import load_audio
from detection.engine.audio.validate import validate_upload
from detection.engine.errors import InputRejected

RATE = 16_000


def _tone(seconds: float, rate: int = RATE, channels: int = 1, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    mono = level * np.sin(2 * np.pi * 220 * t) * (1 + 0.5 * np.sin(2 * np.pi * 3 * t)) / 1.5
    return np.repeat(mono[:, None], channels, axis=1) if channels > 1 else mono


def _encode_with_av(path: Path, container: str, codec: str, seconds: float = 2.0) -> Path:
    x = _tone(seconds, 48_000).astype(np.float32)
    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=48_000, layout="mono")
        frame = av.AudioFrame.from_ndarray(x[None], format="flt", layout="mono")
        frame.sample_rate = 48_000
        frame.pts = 0
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    return path


@pytest.mark.parametrize(
    ("name", "fmt", "subtype"),
    [
        ("a.wav", "WAV", "PCM_16"),
        ("a.flac", "FLAC", "PCM_16"),
        ("a.ogg", "OGG", "VORBIS"),
        ("a.mp3", "MP3", "MPEG_LAYER_III"),
    ],
)
def test_common_formats_decode_to_16k_mono_float(
    write_audio: Callable[..., Path], name: str, fmt: str, subtype: str
) -> None:
    path = write_audio(_tone(2.0, 44_100), 44_100, name, subtype=subtype, format=fmt)
    meta = validate_upload(path)
    assert meta["sample_rate"] == 44_100 and meta["channels"] == 1
    audio = load_audio(path)
    assert audio.samples.dtype == np.float32 and audio.samples.ndim == 1
    # MP3 encoders add some padding; the length stays within a few frames of 2 s.
    assert abs(audio.seconds - 2.0) < 0.1


@pytest.mark.parametrize(
    ("name", "container", "codec"), [("a.m4a", "ipod", "aac"), ("a.webm", "webm", "libopus")]
)
def test_ffmpeg_containers_decode_through_pyav(
    tmp_path: Path, name: str, container: str, codec: str
) -> None:
    path = _encode_with_av(tmp_path / name, container, codec)
    meta = validate_upload(path)
    assert meta["backend"] == "av"
    audio = load_audio(path)
    assert abs(audio.seconds - 2.0) < 0.1
    assert np.abs(audio.samples).max() > 0.05


@pytest.mark.parametrize("subtype", ["PCM_U8", "PCM_24", "PCM_32", "FLOAT"])
def test_8_24_32_bit_and_float_samples_come_out_at_the_same_scale(
    write_audio: Callable[..., Path], subtype: str
) -> None:
    x = _tone(1.0)
    audio = load_audio(write_audio(x, subtype=subtype))
    assert audio.samples.shape == (RATE,)
    assert np.abs(audio.samples - x).max() < 0.02  # 8-bit quantisation step is 1/128


def test_multichannel_audio_is_averaged_to_mono(write_audio: Callable[..., Path]) -> None:
    x = _tone(1.0, 48_000, channels=6)
    x[:, 3:] = 0.0  # three silent channels halve the mean
    audio = load_audio(write_audio(x, 48_000, subtype="PCM_24"))
    assert audio.samples.ndim == 1 and abs(audio.seconds - 1.0) < 0.01
    assert np.abs(audio.samples).max() == pytest.approx(np.abs(x[:, 0]).max() / 2, rel=0.05)


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    with pytest.raises(InputRejected, match="empty"):
        validate_upload(path)


def test_wav_without_samples_is_rejected(write_audio: Callable[..., Path]) -> None:
    path = write_audio(np.zeros(0))
    with pytest.raises(InputRejected, match="empty"):
        load_audio(path)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "image"),
        (b"just some words, not a recording\n" * 20, "text"),
        (bytes(range(256)) * 40, "not an audio file"),
    ],
)
def test_a_file_that_is_not_audio_is_rejected(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "upload.bin"
    path.write_bytes(content)
    with pytest.raises(InputRejected, match=reason):
        validate_upload(path)
    with pytest.raises(InputRejected):
        load_audio(path)


def test_truncated_flac_body_is_rejected_not_crashing(write_audio: Callable[..., Path]) -> None:
    path = write_audio(np.random.default_rng(0).normal(0, 0.1, RATE * 3), name="a.flac")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3] + bytes(len(data) // 3))
    with pytest.raises(InputRejected):
        load_audio(path)


def test_nan_samples_are_rejected(write_audio: Callable[..., Path]) -> None:
    x = _tone(1.0)
    x[100:200] = np.nan
    with pytest.raises(InputRejected, match="NaN"):
        load_audio(write_audio(x, subtype="FLOAT"))


def test_heavy_clipping_is_rejected_and_mild_clipping_warned(
    write_audio: Callable[..., Path],
) -> None:
    with pytest.raises(InputRejected, match="clipped"):
        load_audio(write_audio(np.clip(_tone(1.0, level=1.0) * 4, -1, 1), name="hard.wav"))
    mild = _tone(1.0)
    mild[::500] = 1.0
    audio = load_audio(write_audio(mild, name="mild.wav"))
    assert any("clipped" in w for w in audio.warnings)


def test_float_samples_above_full_scale_are_rescaled(write_audio: Callable[..., Path]) -> None:
    audio = load_audio(write_audio(_tone(1.0) * 10, subtype="FLOAT"))
    assert np.abs(audio.samples).max() <= 1.0
    assert any("rescaled" in w for w in audio.warnings)


def _sparse_wav(path: Path, seconds: int, rate: int = RATE) -> Path:
    """A valid 16-bit WAV of ``seconds`` of digital silence, written as a sparse file."""
    data_bytes = seconds * rate * 2
    header = b"RIFF" + struct.pack("<I", 36 + data_bytes) + b"WAVE"
    header += b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, rate, rate * 2, 2, 16)
    header += b"data" + struct.pack("<I", data_bytes)
    with path.open("wb") as fh:
        fh.write(header)
        fh.truncate(len(header) + data_bytes)
    return path


def test_three_hour_file_is_rejected_from_its_header_without_decoding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _sparse_wav(tmp_path / "long.wav", 3 * 3600)
    soundfile = sys.modules["soundfile"]

    def no_full_decode(*args: object, **kwargs: object) -> None:
        raise AssertionError("the whole file was decoded")

    monkeypatch.setattr(soundfile, "read", no_full_decode)
    monkeypatch.setattr(soundfile.SoundFile, "blocks", no_full_decode)
    with pytest.raises(InputRejected, match=r"too long: 3:00:00; the limit is 10:00"):
        validate_upload(path)
    with pytest.raises(InputRejected, match="too long"):
        load_audio(path)


def test_duration_limit_follows_the_environment(
    write_audio: Callable[..., Path], engine_env: Any
) -> None:
    path = write_audio(_tone(3.0))
    engine_env(DETECTION_AUDIO_MAX_SECONDS="2")
    with pytest.raises(InputRejected, match="too long"):
        validate_upload(path)
    engine_env(DETECTION_AUDIO_MAX_SECONDS="5")
    assert validate_upload(path)["duration_s"] == pytest.approx(3.0)


def test_too_short_audio_is_rejected(write_audio: Callable[..., Path]) -> None:
    with pytest.raises(InputRejected, match="too short"):
        validate_upload(write_audio(_tone(0.2)))


def test_validate_upload_does_not_import_torch() -> None:
    import subprocess

    code = (
        "import sys; import detection.engine.audio, detection.engine.audio.validate, "
        "detection.engine.audio.probes; print('torch' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=Path.cwd()
    )
    assert out.stdout.strip() == "False"
