"""AASIST: the published checkpoints load strictly and score real vs synthetic speech."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from detection.engine.audio.aasist_weights import WEIGHTS
from detection.engine.errors import ModelUnavailable
from detection.engine.weights import weights_dir

from .conftest import speech_samples


def _require_weights() -> Path:
    folder = weights_dir() / "aasist"
    if not (folder / "AASIST.pth").is_file():
        pytest.skip(f"AASIST checkpoints not found in {folder} (../shared/weights)")
    return folder


def _reference_signal() -> np.ndarray:
    rng = np.random.default_rng(1234)
    t = np.arange(64_600) / 16_000
    chirp = 0.2 * np.sin(2 * np.pi * (150 + 400 * t) * t)
    return (chirp + 0.02 * rng.standard_normal(64_600)).astype(np.float32)


@pytest.mark.model
@pytest.mark.parametrize(
    ("variant", "expected"),
    [
        # Logits [spoof, bona fide] of a fixed chirp, recorded when the module was first
        # checked against real and synthetic speech: a change in the network shows here.
        ("AASIST", [0.48907, -1.49863]),
        ("AASIST-L", [0.07471, -0.02164]),
    ],
)
def test_published_checkpoint_loads_strictly_and_gives_its_known_logits(
    variant: str, expected: list[float]
) -> None:
    import torch

    from detection.engine.audio.aasist import load_network

    folder = _require_weights()
    net = load_network(variant)  # load_state_dict(strict=True) inside
    listed = {
        line.split("\t")[0]
        for line in (folder / f"{variant}.keys.txt").read_text().splitlines()
        if line.strip()
    }
    assert set(net.state_dict()) == listed  # type: ignore[attr-defined]
    with torch.inference_mode():
        logits = net(torch.from_numpy(_reference_signal())[None])  # type: ignore[operator]
    assert logits.shape == (1, 2)
    assert logits[0].tolist() == pytest.approx(expected, abs=1e-3)


@pytest.mark.model
def test_aasist_finds_espeak_more_spoof_like_than_a_real_reading(
    aasist_detector: object, pocketsphinx_speech: Path, tts_speech: Path
) -> None:
    real = speech_samples(pocketsphinx_speech)
    fake = speech_samples(tts_speech)
    logits = aasist_detector.logits([real[:64_600], fake[:64_600]])  # type: ignore[attr-defined]
    assert logits.shape == (2, 2) and np.isfinite(logits).all()
    spoof_minus_bonafide = logits[:, 0] - logits[:, 1]
    assert spoof_minus_bonafide[1] > spoof_minus_bonafide[0] + 2.0


def test_missing_weights_name_the_expected_path_checksum_and_url(
    tmp_path: Path, engine_env: Any
) -> None:
    from detection.engine.audio import aasist_weights

    engine_env(DETECTION_WEIGHTS_DIR=str(tmp_path))
    pinned = WEIGHTS["AASIST"]
    with pytest.raises(ModelUnavailable) as err:
        aasist_weights.probe()
    message = str(err.value)
    assert str(tmp_path / "aasist" / "AASIST.pth") in message
    assert pinned.sha256 in message
    assert "github.com/clovaai/aasist" in message


def test_altered_weights_are_refused_by_checksum(tmp_path: Path, engine_env: Any) -> None:
    from detection.engine.audio import aasist_weights

    (tmp_path / "aasist").mkdir()
    (tmp_path / "aasist" / "AASIST.pth").write_bytes(b"not the checkpoint")
    engine_env(DETECTION_WEIGHTS_DIR=str(tmp_path))
    with pytest.raises(ModelUnavailable, match=re.escape(WEIGHTS["AASIST"].sha256)):
        aasist_weights.probe()


def test_unknown_variant_is_a_clear_error(engine_env: Any) -> None:
    from detection.engine.audio import aasist_weights

    engine_env(DETECTION_AASIST_VARIANT="AASIST-XL")
    with pytest.raises(ModelUnavailable, match="unknown AASIST variant"):
        aasist_weights.variant()
