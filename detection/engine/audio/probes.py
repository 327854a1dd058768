"""Availability checks for /ready: files and packages only, nothing loaded, no torch."""

from __future__ import annotations

from pathlib import Path

from ..errors import ModelUnavailable
from ..weights import module_available
from . import aasist_weights, vad, whisper_encoder
from .paths import ENSEMBLE_PATH, HEAD_PATH, calibration_path


def _decoders() -> None:
    for module in ("soundfile", "soxr", "av", "torch"):
        if not module_available(module):
            raise ModelUnavailable(f"package {module!r} is not installed: pip install {module}")


def _data_file(path: Path, what: str, command: str) -> None:
    if not path.is_file():
        raise ModelUnavailable(f"{what} missing: expected {path}; write it with `{command}`")


def probe_aasist() -> None:
    _decoders()
    vad.probe()
    aasist_weights.probe()
    name = "audio.aasist" if aasist_weights.variant() == "AASIST" else "audio.aasist_l"
    _data_file(calibration_path(name), "calibration file", "manage.py calibrate_audio")


def probe_whisper_head() -> None:
    _decoders()
    vad.probe()
    whisper_encoder.probe()
    _data_file(HEAD_PATH, "audio head", "manage.py train_audio_head")
    _data_file(
        calibration_path("audio.whisper_head"), "calibration file", "manage.py calibrate_audio"
    )


def probe_ensemble() -> None:
    probe_aasist()
    probe_whisper_head()
    _data_file(ENSEMBLE_PATH, "ensemble settings", "manage.py calibrate_audio")
