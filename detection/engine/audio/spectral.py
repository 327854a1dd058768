"""Hand-made spectral statistics of a speech window (librosa + numpy).

MFCC with deltas (the mel view), LFCC (linear-frequency cepstra, which keep the high band
where vocoders leave traces) and spectral contrast, each summarised by mean and standard
deviation over frames: 172 numbers per window.
"""

from __future__ import annotations

import numpy as np
from scipy.fft import dct

from .limits import SAMPLE_RATE

FEATURE_ID = "spectral-mfcc-lfcc-contrast-v1"
N_FFT = 512
HOP = 160
N_CEPS = 20
N_LINEAR_FILTERS = 40


def _linear_filterbank(n_filters: int = N_LINEAR_FILTERS, n_fft: int = N_FFT) -> np.ndarray:
    bins = n_fft // 2 + 1
    edges = np.linspace(0, bins - 1, n_filters + 2)
    grid = np.arange(bins)[None, :]
    low, centre, high = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (grid - low) / (centre - low)
    falling = (high - grid) / (high - centre)
    return np.clip(np.minimum(rising, falling), 0.0, None)


_LINEAR = _linear_filterbank()


def _stats(frames: np.ndarray) -> np.ndarray:  # (features, time) -> 2 * features
    return np.concatenate([frames.mean(axis=1), frames.std(axis=1)])


def spectral_features(samples: np.ndarray) -> np.ndarray:
    import librosa

    y = np.asarray(samples, dtype=np.float32)
    if len(y) < N_FFT:
        y = np.pad(y, (0, N_FFT - len(y)))
    power = np.abs(librosa.stft(y, n_fft=N_FFT, hop_length=HOP)) ** 2
    mel = librosa.feature.melspectrogram(S=power, sr=SAMPLE_RATE, n_mels=40)
    mfcc = librosa.feature.mfcc(S=librosa.power_to_db(mel), n_mfcc=N_CEPS)
    width = min(9, mfcc.shape[1] - (1 - mfcc.shape[1] % 2))
    if width >= 3:
        d1 = librosa.feature.delta(mfcc, width=width)
        d2 = librosa.feature.delta(mfcc, order=2, width=width)
    else:
        d1 = d2 = np.zeros_like(mfcc)
    lfcc = dct(np.log(_LINEAR @ power + 1e-10), type=2, axis=0, norm="ortho")[:N_CEPS]
    contrast = librosa.feature.spectral_contrast(S=np.sqrt(power), sr=SAMPLE_RATE, n_bands=5)
    return np.concatenate(
        [_stats(mfcc), _stats(d1), _stats(d2), _stats(lfcc), _stats(contrast)]
    ).astype(np.float32)
