"""Fixtures for the text detector tests: the shared labelled texts and one loaded model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detection.engine.text.train.fastdetectgpt import DEFAULT_DATA_DIR


@pytest.fixture(scope="session")
def fastdetectgpt() -> Path:
    if not (DEFAULT_DATA_DIR / "xsum_gpt-4.json").is_file():
        pytest.skip(f"shared text data not found at {DEFAULT_DATA_DIR} (../shared/data/text)")
    return DEFAULT_DATA_DIR


@pytest.fixture(scope="session")
def texts(fastdetectgpt: Path):
    def read(name: str) -> dict[str, list[str]]:
        return json.loads((fastdetectgpt / f"{name}.json").read_text(encoding="utf-8"))

    return read


@pytest.fixture(scope="session")
def detector():
    """The default detector, loaded once per test session (model + calibration)."""
    from detection.engine.text.zero_shot import ZeroShotTextDetector

    det = ZeroShotTextDetector()
    det.load()
    return det
