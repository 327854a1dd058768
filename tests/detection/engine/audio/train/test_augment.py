"""Channel augmentation: deterministic, length-preserving, loudness-normalised, label-blind."""

from __future__ import annotations

import random

import numpy as np
import pytest

from detection.engine.audio.train import augment


def _speechlike(seconds: float = 2.0) -> np.ndarray:
    rng = np.random.default_rng(7)
    t = np.arange(int(seconds * 16_000)) / 16_000
    voiced = np.sin(2 * np.pi * 140 * t) * (0.5 + 0.5 * np.sin(2 * np.pi * 3 * t))
    return (0.3 * voiced + 0.01 * rng.standard_normal(len(t))).astype(np.float32)


@pytest.mark.parametrize("step", sorted(augment.STEPS))
def test_every_step_keeps_the_length_and_gives_finite_audio(step: str) -> None:
    x = _speechlike()
    y, description = augment.STEPS[step](x, random.Random(1))
    assert len(y) == len(x) and np.isfinite(y).all() and description


def test_the_same_seed_gives_the_same_copy_and_another_seed_another() -> None:
    x = _speechlike()
    a, how_a = augment.augment(x, "clip-1")
    b, how_b = augment.augment(x, "clip-1")
    assert how_a == how_b and np.array_equal(a, b)
    hows = {augment.augment(x, f"clip-{k}")[1] for k in range(30)}
    assert len(hows) > 5  # the chains vary across clips


def test_loudness_is_normalised_whatever_the_input_gain() -> None:
    x = _speechlike()
    quiet = augment.normalise(x * 0.01)
    loud = augment.normalise(x * 3.0)
    assert np.allclose(quiet, loud, atol=1e-4)
    assert np.max(np.abs(loud)) <= 0.99


def test_telephone_path_removes_the_high_band() -> None:
    rng = np.random.default_rng(0)
    x = (0.1 * rng.standard_normal(32_000)).astype(np.float32)
    y, how = augment._codec_roundtrip(x, "pcm_mulaw", 8000, 0, "wav"), "mulaw"
    spectrum = np.abs(np.fft.rfft(y)) ** 2
    freqs = np.fft.rfftfreq(len(y), 1 / 16_000)
    assert spectrum[freqs > 4500].sum() < 0.01 * spectrum[freqs < 3500].sum(), how
