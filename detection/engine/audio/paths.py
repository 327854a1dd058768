"""Where the audio detectors' data files live (torch-free; used by probes and commands)."""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
CALIBRATION_DIR = PACKAGE_DIR / "calibration"
HEAD_PATH = PACKAGE_DIR / "heads" / "whisper_head.json"
ENSEMBLE_PATH = CALIBRATION_DIR / "ensemble.json"


def calibration_path(name: str, stream: bool = False) -> Path:
    """``audio.aasist`` -> ``calibration/aasist.json`` (``aasist.stream.json`` for 2 s windows)."""
    stem = name.removeprefix("audio.")
    return CALIBRATION_DIR / f"{stem}{'.stream' if stream else ''}.json"
