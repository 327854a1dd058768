"""Channel augmentation applied alike to real and synthetic speech (16 kHz mono float32).

The point is to take away what a detector could learn instead of "was this synthesised":
the codec a demo page used, its bandwidth, its loudness and its room. Every clip in the
pool gets one augmented copy whose chain is drawn from the same distribution whatever its
label: lossy codecs (MP3, Opus, AAC through FFmpeg's encoders in PyAV), narrow-band
telephone paths (8 kHz with mu-law, A-law or AMR-NB, or G.722 wide-band), a band limit,
additive noise (white, pink, brown or mains hum) at 5-30 dB SNR, and reverberation from a
synthetic room impulse response (exponentially decaying noise, RT60 0.15-0.9 s).
The draw is seeded by the clip's id, so a rebuild makes the same copy.
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from typing import Any

import numpy as np

from ..voice_members import normalise_window as normalise

SR = 16_000


def _resample(x: np.ndarray, sr_in: int, sr_out: int) -> np.ndarray:
    import soxr

    return np.asarray(soxr.resample(x, sr_in, sr_out), dtype=np.float32)


def _codec_roundtrip(x: np.ndarray, codec: str, rate: int, bitrate: int, fmt: str) -> np.ndarray:
    """Encode ``x`` (at 16 kHz) with an FFmpeg encoder at ``rate`` Hz and decode it back."""
    import av

    y = _resample(x, SR, rate) if rate != SR else x
    buf = io.BytesIO()
    with av.open(buf, "w", format=fmt) as out:
        stream: Any = out.add_stream(codec, rate=rate)
        if bitrate:
            stream.bit_rate = bitrate
        stream.layout = "mono"
        pcm = np.clip(y * 32767.0, -32768, 32767).astype(np.int16)[None]
        frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout="mono")
        frame.sample_rate = rate
        for packet in stream.encode(frame):
            out.mux(packet)
        for packet in stream.encode(None):
            out.mux(packet)
    buf.seek(0)
    chunks = []
    with av.open(buf, "r") as inp:
        resampler = av.AudioResampler(format="flt", layout="mono", rate=SR)
        for frame in inp.decode(audio=0):
            for f in resampler.resample(frame):
                chunks.append(f.to_ndarray().reshape(-1))
        for f in resampler.resample(None):
            chunks.append(f.to_ndarray().reshape(-1))
    z = np.concatenate(chunks) if chunks else np.zeros(0, np.float32)
    # Codecs add priming delay and padding; keep the original length.
    if len(z) < len(x):
        z = np.pad(z, (0, len(x) - len(z)))
    return z[: len(x)].astype(np.float32)


def _mp3(x: np.ndarray, rng: random.Random) -> tuple[np.ndarray, str]:
    kbps = rng.choice([24, 32, 48, 64, 96, 128])
    return _codec_roundtrip(x, "libmp3lame", SR, kbps * 1000, "mp3"), f"mp3 {kbps}k"


def _opus(x: np.ndarray, rng: random.Random) -> tuple[np.ndarray, str]:
    kbps = rng.choice([8, 12, 16, 24, 32])
    return _codec_roundtrip(x, "libopus", 48_000, kbps * 1000, "ogg"), f"opus {kbps}k"


def _aac(x: np.ndarray, rng: random.Random) -> tuple[np.ndarray, str]:
    kbps = rng.choice([24, 32, 48, 64])
    return _codec_roundtrip(x, "aac", SR, kbps * 1000, "adts"), f"aac {kbps}k"


def _telephone(x: np.ndarray, rng: random.Random) -> tuple[np.ndarray, str]:
    kind = rng.choice(["mulaw", "alaw", "amr", "g722"])
    if kind == "g722":
        return _codec_roundtrip(x, "g722", SR, 64_000, "wav"), "g722 wide-band"
    if kind == "amr":
        kbps = rng.choice([4750, 7950, 12200])
        return _codec_roundtrip(x, "libopencore_amrnb", 8000, kbps, "amr"), f"amr-nb {kbps}"
    codec = "pcm_mulaw" if kind == "mulaw" else "pcm_alaw"
    return _codec_roundtrip(x, codec, 8000, 0, "wav"), f"8 kHz {kind}"


def _band_limit(x: np.ndarray, rng: random.Random) -> tuple[np.ndarray, str]:
    rate = rng.choice([8000, 11025, 12000])
    return _resample(_resample(x, SR, rate), rate, SR)[: len(x)], f"band limit {rate // 2} Hz"


def _colored_noise(n: int, kind: str, rng: np.random.Generator) -> np.ndarray:
    if kind == "hum":
        t = np.arange(n) / SR
        f0 = 50.0 if rng.random() < 0.5 else 60.0
        return sum(np.sin(2 * np.pi * f0 * k * t + rng.uniform(0, 6.28)) / k for k in (1, 2, 3))  # type: ignore[return-value]
    white = rng.standard_normal(n)
    if kind == "white":
        return white
    spectrum = np.fft.rfft(white)
    f = np.maximum(np.fft.rfftfreq(n, 1 / SR), 20.0)
    spectrum /= np.sqrt(f) if kind == "pink" else f
    return np.fft.irfft(spectrum, n)


def _noise(x: np.ndarray, rng: random.Random) -> tuple[np.ndarray, str]:
    kind = rng.choice(["white", "pink", "brown", "hum"])
    snr = rng.uniform(5.0, 30.0)
    noise = _colored_noise(len(x), kind, np.random.default_rng(rng.randrange(1 << 31)))
    p_sig = float(np.mean(x**2)) + 1e-12
    p_noise = float(np.mean(noise**2)) + 1e-12
    y = x + noise * np.sqrt(p_sig / (p_noise * 10 ** (snr / 10)))
    return y.astype(np.float32), f"{kind} noise {snr:.0f} dB"


def _reverb(x: np.ndarray, rng: random.Random) -> tuple[np.ndarray, str]:
    rt60 = rng.uniform(0.15, 0.9)
    n = int(SR * min(rt60 * 1.2, 1.0))
    g = np.random.default_rng(rng.randrange(1 << 31))
    t = np.arange(n) / SR
    rir = g.standard_normal(n) * np.exp(-6.9 * t / rt60)
    rir[0] = 1.0 / (1.0 + rng.uniform(0.0, 2.0))  # direct path relative to the tail
    rir /= np.sqrt(np.sum(rir**2))
    y = np.convolve(x, rir)[: len(x)]
    return y.astype(np.float32), f"reverb rt60 {rt60:.2f}s"


STEPS: dict[str, Callable[[np.ndarray, random.Random], tuple[np.ndarray, str]]] = {
    "mp3": _mp3,
    "opus": _opus,
    "aac": _aac,
    "telephone": _telephone,
    "band_limit": _band_limit,
    "noise": _noise,
    "reverb": _reverb,
}
CHANNEL = ("mp3", "opus", "aac", "telephone", "band_limit")
ROOM = ("noise", "reverb")


def augment(x: np.ndarray, seed: str) -> tuple[np.ndarray, str]:
    """One augmented copy of ``x``: a room step, a channel step, or both (in that order)."""
    rng = random.Random(seed)
    plan: list[str] = []
    pick = rng.random()
    if pick < 0.35 or pick >= 0.7:
        plan.append(rng.choice(ROOM))
    if pick >= 0.35:
        plan.append(rng.choice(CHANNEL))
    y = np.asarray(x, dtype=np.float32)
    done = []
    for step in plan:
        y, what = STEPS[step](y, rng)
        done.append(what)
    return normalise(y), " + ".join(done)
