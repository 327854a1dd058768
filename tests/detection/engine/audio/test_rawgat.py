"""RawGAT-ST: the published checkpoint loads strictly and tells real from synthetic speech."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detection.engine.audio.rawgat import WEIGHTS
from detection.engine.errors import ModelUnavailable
from detection.engine.weights import weights_dir

from .conftest import speech_samples


def _require_weights() -> Path:
    path = weights_dir() / WEIGHTS.relpath
    if not path.is_file():
        pytest.skip(
            f"RawGAT-ST checkpoint not found at {path} (fetch it with manage.py fetch_weights)"
        )
    return path


def _reference_signal() -> np.ndarray:
    rng = np.random.default_rng(1234)
    t = np.arange(64_600) / 16_000
    chirp = 0.2 * np.sin(2 * np.pi * (150 + 400 * t) * t)
    return (chirp + 0.02 * rng.standard_normal(64_600)).astype(np.float32)


@pytest.mark.model
def test_published_checkpoint_loads_strictly_and_gives_its_known_logits() -> None:
    import torch

    from detection.engine.audio.rawgat import load_rawgat

    path = _require_weights()
    net = load_rawgat()  # sha256 checked, load_state_dict(strict=True)
    state = torch.load(path, map_location="cpu", weights_only=True)
    assert set(net.state_dict()) == set(state)
    with torch.inference_mode():
        x = torch.from_numpy(_reference_signal())[None]
        logits = net(x)
        embed = net.embed(x)
    # Logits [spoof, bona fide] of a fixed chirp, recorded when the module was first
    # checked against real and synthetic speech: a change in the network shows here.
    assert logits[0].tolist() == pytest.approx([9.7126, -6.9034], abs=1e-3)
    assert embed.shape == (1, 7)


@pytest.mark.model
def test_real_reading_scores_more_bona_fide_than_espeak(
    pocketsphinx_speech: Path, tts_speech: Path
) -> None:
    import torch

    from detection.engine.audio.rawgat import load_rawgat
    from detection.engine.audio.windows import repeat_to

    _require_weights()
    net = load_rawgat()
    batch = np.stack(
        [repeat_to(speech_samples(p), 64_600) for p in (pocketsphinx_speech, tts_speech)]
    )
    with torch.inference_mode():
        logits = net(torch.from_numpy(batch.astype(np.float32))).numpy()
    bona_fide_margin = logits[:, 1] - logits[:, 0]
    assert bona_fide_margin[0] > bona_fide_margin[1]


def test_an_altered_checkpoint_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from detection.engine.audio.rawgat import load_rawgat

    (tmp_path / "rawgat_st").mkdir()
    (tmp_path / WEIGHTS.relpath).write_bytes(b"not the checkpoint")
    monkeypatch.setenv("DETECTION_WEIGHTS_DIR", str(tmp_path))
    with pytest.raises(ModelUnavailable, match="sha256"):
        load_rawgat()


def test_a_missing_checkpoint_names_its_path_and_checksum(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from detection.engine.audio.rawgat import probe

    monkeypatch.setenv("DETECTION_WEIGHTS_DIR", str(tmp_path))
    with pytest.raises(ModelUnavailable, match=WEIGHTS.sha256):
        probe()
