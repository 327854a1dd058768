"""Availability checks for /ready: files and packages only, nothing loaded, no torch."""

from __future__ import annotations

from pathlib import Path

from ..errors import ModelUnavailable
from ..weights import module_available, require_file
from . import aasist_weights, rawgat, vad, whisper_encoder
from .paths import ENSEMBLE_PATH, HEAD_PATH, PACKAGE_DIR, calibration_path


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


def probe_voice() -> None:
    """The voice detector: its heads, fusion, calibrations and the networks it fuses."""
    import json

    _decoders()
    vad.probe()
    whisper_encoder.probe()
    command = "manage.py train_audio_pool"
    fusion = PACKAGE_DIR / "heads" / "voice_fusion.json"
    _data_file(fusion, "voice fusion", command)
    members = json.loads(fusion.read_text())["members"]
    for name in [*members, "live", "tracing"]:
        _data_file(PACKAGE_DIR / "heads" / f"voice_{name}.json", f"voice head {name}", command)
    for name in ["voice", "voice.window", "voice.live", *(f"voice_{m}" for m in members)]:
        _data_file(PACKAGE_DIR / "calibration" / f"{name}.json", "calibration file", command)
    if "rawgat" in members:
        rawgat.probe()
    for name, variant in (("aasist", "AASIST"), ("aasist_l", "AASIST-L")):
        if name in members:
            require_file(aasist_weights.WEIGHTS[variant])
