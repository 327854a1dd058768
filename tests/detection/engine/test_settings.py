"""The engine's one settings object: parsed once, typed, documented, the only env reader."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from detection.engine import settings
from detection.engine.errors import ModelUnavailable
from detection.engine.settings import EngineSettings, SettingsError

ENGINE = Path(settings.__file__).resolve().parent
READ_VARIABLE = re.compile(r'"((?:DETECTION|HF_HUB)_[A-Z0-9_]+|CXX)"')


def test_an_empty_environment_gives_the_documented_defaults() -> None:
    s = EngineSettings.from_env({})
    assert s == EngineSettings()
    assert s.weights_dir == settings.PROJECT_ROOT.parent / "shared" / "weights"
    assert s.image.max_pixels == 50_000_000 and s.image.min_side == 64
    assert s.audio.max_seconds == 600.0 and s.audio.aasist_variant == "AASIST"
    assert s.video.fusion_method == "any" and s.text.fusion == "learned"
    assert s.text.calibration_path == settings.TEXT_CALIBRATION_PATH
    assert s.memory_budget_bytes == 0 and s.extra_specs == ()


def test_variables_are_parsed_into_typed_fields() -> None:
    s = EngineSettings.from_env(
        {
            "DETECTION_WEIGHTS_DIR": "~/weights",
            "DETECTION_EXTRA_SPECS": "a.specs, b.specs,",
            "DETECTION_DEFAULT_DETECTORS": "text=text.style, image=,=x",
            "DETECTION_MODEL_MEMORY_BUDGET_MB": "1.5",
            "DETECTION_IMAGE_WEIGHTS": "image.clip=1,image.patch=0",
            "DETECTION_IMAGE_WORKERS": "0",
            "DETECTION_TEXT_COMPILE": "no",
            "DETECTION_AUDIO_MAX_SECONDS": "-1",
            "DETECTION_VIDEO_MAX_SECONDS": "5",
            "HF_HUB_OFFLINE": "YES",
        }
    )
    assert s.weights_dir == Path.home() / "weights"
    assert s.extra_specs == ("a.specs", "b.specs")
    assert dict(s.default_detectors) == {"text": "text.style"}
    assert s.memory_budget_bytes == int(1.5 * 1024 * 1024)
    assert dict(s.image.weights) == {"image.clip": 1.0, "image.patch": 0.0}
    assert s.image.parallel_passes() == 1  # an explicit 0 still runs one pass
    assert s.text.compile is False
    assert s.audio.max_seconds == 600.0  # zero or less keeps the default limit
    assert s.video.max_seconds == 5.0
    assert s.hf_hub_offline is True


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DETECTION_IMAGE_MAX_PIXELS", "lots"),
        ("DETECTION_TEXT_WINDOW", "5.5"),
        ("DETECTION_TEXT_COMPILE", "maybe"),
        ("DETECTION_FUSION_WEIGHTS", "video.visual=heavy"),
    ],
)
def test_a_bad_value_is_an_unavailable_engine_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=f"bad {name}={value!r}") as err:
        EngineSettings.from_env({name: value})
    assert isinstance(err.value, ModelUnavailable)


def test_the_environment_is_read_once_until_the_settings_are_dropped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings.use(None)
    monkeypatch.setenv("DETECTION_IMAGE_MAX_BATCH", "3")
    first = settings.current()
    monkeypatch.setenv("DETECTION_IMAGE_MAX_BATCH", "7")
    assert settings.current() is first and first.image.max_batch == 3
    settings.use(None)
    assert settings.current().image.max_batch == 7


def test_a_test_can_install_its_own_settings() -> None:
    mine = EngineSettings.from_env({"DETECTION_VIDEO_MAX_PIXELS": "100"})
    settings.use(mine)
    from detection.engine.video.validate import max_pixels

    assert max_pixels() == 100


def test_engine_env_fixture_changes_what_the_engine_reads(engine_env: Any) -> None:
    from detection.engine.image.validate import max_pixels

    engine_env(DETECTION_IMAGE_MAX_PIXELS="1234")
    assert max_pixels() == 1234


def test_every_variable_read_is_documented_in_the_settings_table() -> None:
    read = set(READ_VARIABLE.findall((ENGINE / "settings.py").read_text()))
    table = (ENGINE / "SETTINGS.md").read_text()
    documented = set(re.findall(r"^\| `([A-Z0-9_]+)` \|", table, re.M))
    assert read, "no variables found in settings.py"
    assert read == documented


def test_no_other_engine_module_reads_the_environment() -> None:
    readers = re.compile(r"os\.environ\.get|os\.getenv|os\.environ\[|environ\.get\(")
    offenders = [
        str(path.relative_to(ENGINE))
        for path in ENGINE.rglob("*.py")
        if path.name != "settings.py" and readers.search(path.read_text())
    ]
    assert offenders == []


def test_the_engine_settings_import_neither_django_nor_a_model_runtime() -> None:
    code = (
        "import sys; import detection.engine.settings as s; s.current(); "
        "print(sorted(m for m in ('django', 'torch', 'onnxruntime', 'numpy') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        cwd=settings.PROJECT_ROOT,
    )
    assert out.stdout.strip() == "[]"
