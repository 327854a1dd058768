"""Audio test clips: real speech (shared data or pocketsphinx-testdata) and TTS made here."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from detection.engine.audio.train.dataset import data_dir

POCKETSPHINX = Path("/usr/share/pocketsphinx/test/data/librivox")
# A LibriVox reading shipped by Debian's pocketsphinx-testdata (16 kHz, 3.3 s).
POCKETSPHINX_CLIP = POCKETSPHINX / "sense_and_sensibility_01_austen_64kb-0930.wav"
SENTENCE = "The committee will meet again on Thursday to review the budget for next year."


@pytest.fixture(scope="session")
def shared_audio() -> Path:
    root = data_dir()
    if not (root / "manifest.csv").is_file():
        pytest.skip(f"shared audio data not found at {root} (../shared/data/audio)")
    return root


@pytest.fixture(scope="session")
def real_speech(shared_audio: Path) -> Path:
    """A held-out real clip (LJSpeech ground truth from the VITS demo page, 9.4 s)."""
    return shared_audio / "real/vits-demo/wavs__ss_01_gt.flac"


@pytest.fixture(scope="session")
def pocketsphinx_speech() -> Path:
    if not POCKETSPHINX_CLIP.is_file():
        pytest.skip("Debian pocketsphinx-testdata is not installed")
    return POCKETSPHINX_CLIP


@pytest.fixture(scope="session")
def tts_speech(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Synthetic speech made now with espeak-ng (or flite)."""
    out = tmp_path_factory.mktemp("tts") / "tts.wav"
    if espeak := shutil.which("espeak-ng"):
        args = [espeak, "-v", "en-us", "-w", str(out), SENTENCE]
    elif flite := shutil.which("flite"):
        args = [flite, "-voice", "slt", "-t", SENTENCE, "-o", str(out)]
    else:
        pytest.skip("neither espeak-ng nor flite is installed (apt-get install espeak-ng)")
    subprocess.run(args, check=True, capture_output=True, timeout=60)
    return out


@pytest.fixture
def write_audio(tmp_path: Path) -> Callable[..., Path]:
    """Write samples (frames x channels, float in [-1, 1]) in a chosen format/subtype."""

    def write(
        samples: np.ndarray,
        rate: int = 16_000,
        name: str = "clip.wav",
        subtype: str | None = None,
        format: str | None = None,
    ) -> Path:
        path = tmp_path / name
        sf.write(str(path), samples, rate, subtype=subtype, format=format)
        return path

    return write


def speech_samples(path: Path) -> np.ndarray:
    from detection.engine.audio.loading import load_audio

    return load_audio(path).samples


def _loaded(name: str) -> object:
    from detection.engine import registry
    from detection.engine.errors import ModelUnavailable

    try:
        return registry.get_detector(name)
    except ModelUnavailable as exc:
        pytest.skip(f"{name} cannot load here: {exc}")


@pytest.fixture(scope="session")
def voice() -> object:
    """The default audio detector, the voice ensemble (models loaded once per session)."""
    return _loaded("audio.ensemble")


@pytest.fixture(scope="session")
def ensemble() -> object:
    """``audio.vote``, AASIST + Whisper head by voting (the previous default)."""
    return _loaded("audio.vote")


@pytest.fixture(scope="session")
def aasist_detector(ensemble: object) -> object:
    """The vote's AASIST member."""
    return ensemble.members[0]  # type: ignore[attr-defined]
