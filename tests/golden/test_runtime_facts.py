"""What the detectors run on (runtime_facts) and the image precision setting."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from detection.engine import runtime_facts
from detection.engine.errors import ModelUnavailable
from detection.engine.image import clip_layers

X86 = "processor\t: 0\nmodel name\t: Some CPU\nflags\t\t: fpu sse2 avx2 fma\n"
X86_VNNI = "model name\t: Other\nflags\t: avx2 avx512f avx512_vnni amx_tile\n"
ARM = "processor\t: 0\nFeatures\t: fp asimd evtstrm aes\nCPU part\t: 0xd0c\n"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        (X86, {"avx2"}),
        (X86_VNNI, {"avx2", "avx512", "avx512_vnni", "amx"}),
        (ARM, {"neon"}),
    ],
)
def test_cpu_features_are_read_from_cpuinfo(tmp_path: Path, text: str, want: set[str]) -> None:
    path = tmp_path / "cpuinfo"
    path.write_text(text)
    found = runtime_facts.cpu_features(runtime_facts.cpu_flags(path))
    assert {name for name, present in found.items() if present} == want
    assert set(found) == set(runtime_facts.FEATURES)


def test_unreadable_cpuinfo_gives_no_flags(tmp_path: Path) -> None:
    assert runtime_facts.cpu_flags(tmp_path / "absent") == set()


def test_the_lock_pins_every_runtime_and_this_install_matches_it() -> None:
    pins = runtime_facts.locked_pins()
    for name in ("torch", "onnxruntime", "ctranslate2", "numpy", "transformers"):
        assert name in pins, name
    assert pins["torch"] == "2.13.0+cpu"
    versions = runtime_facts.provenance_versions()
    assert len(versions["lock_sha256"]) == 16
    assert versions["runtimes"]["onnxruntime"] == pins["onnxruntime"]


def test_lock_drift_names_a_package_installed_at_another_version(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text("numpy==0.0.1 \\\n    --hash=sha256:00\n    # via x\nno-such-pkg-x==1.0\n")
    drift = runtime_facts.lock_drift(lock)
    assert drift["numpy"][0] == "0.0.1" and drift["numpy"][1]
    assert drift["no-such-pkg-x"] == ("1.0", "")


def test_precision_modes_follow_the_settings(engine_env: Callable[..., object]) -> None:
    engine_env(DETECTION_IMAGE_PRECISION="exact", DETECTION_TEXT_DTYPE="float32")
    modes = runtime_facts.precision_modes()
    assert modes["image.clip_int8"] == "exact" and modes["text.language_model"] == "float32"


def test_an_unknown_image_precision_is_refused_before_any_load() -> None:
    with pytest.raises(ModelUnavailable, match="DETECTION_IMAGE_PRECISION"):
        clip_layers.configured_encoder("turbo")


@pytest.mark.model
def test_each_precision_builds_the_session_it_names() -> None:
    exact = clip_layers.configured_encoder("exact")
    options = exact.session.get_session_options()
    assert options.get_session_config_entry("session.x64quantprecision") == "1"
    fast = clip_layers.configured_encoder("fast")
    assert "CPU-dependent" in fast.precision
    # auto keeps the default kernels only where they were verified bit-identical here.
    auto = clip_layers.configured_encoder("auto")
    assert auto.precision == "x64quantprecision=1" or "bit-identical" in auto.precision
