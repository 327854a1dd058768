"""The text package and its probe stay torch-free: the web process imports them."""

from __future__ import annotations

import subprocess
import sys

from detection.engine.weights import PROJECT_ROOT

SCRIPT = """
import sys
from detection.engine.registry import all_specs, probe
from detection.engine.text.limits import check_text
spec = all_specs()["text.zero_shot"]
print(spec.modality, spec.impl)
print("reason:", probe(spec))
print("torch" in sys.modules, "transformers" in sys.modules)
"""


def _run(env_extra: dict[str, str]) -> list[str]:
    import os

    env = {**os.environ, **env_extra}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return out.stdout.splitlines()


def test_spec_and_probe_import_no_torch() -> None:
    lines = _run({})
    assert lines[0] == "text detection.engine.text.zero_shot:ZeroShotTextDetector"
    assert lines[-1] == "False False"


def test_probe_names_a_missing_calibration_file() -> None:
    lines = _run({"DETECTION_TEXT_CALIBRATION": "/nonexistent/zero_shot.json"})
    assert "calibration file missing: /nonexistent/zero_shot.json" in lines[1]


def test_probe_refuses_an_unpinned_model_setting() -> None:
    lines = _run({"DETECTION_TEXT_PERFORMER": "hf:gpt2"})
    assert "must be pinned" in lines[1]
