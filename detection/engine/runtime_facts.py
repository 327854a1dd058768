"""What the detectors run on: CPU features, runtime versions and precision modes.

The same weights give different numbers on different CPUs when a kernel takes a path that
rounds or saturates differently (issue 10: onnxruntime's INT8 products without VNNI;
bfloat16 matrix products where the CPU has native bf16 and where it is emulated). These
facts are what ``manage.py doctor`` and the staff part of ``/ready`` show, and what the
provenance of a trained head or calibration records.

Nothing here imports a model runtime: versions are read from the installed packages'
metadata, so the web process may call every function.
"""

from __future__ import annotations

import os
import platform
from importlib import metadata
from pathlib import Path

# The flags (as /proc/cpuinfo spells them) whose presence changes which kernels run.
FEATURES = {
    "avx2": "avx2",
    "avx512": "avx512f",
    "avx512_vnni": "avx512_vnni",
    "avx_vnni": "avx_vnni",
    "avx512_bf16": "avx512_bf16",
    "amx": "amx_tile",
    "neon": "asimd",  # aarch64 spells NEON "asimd"
}

# The runtimes whose kernels compute the models' outputs, plus what shapes their inputs.
RUNTIMES = ("torch", "onnxruntime", "onnx", "ctranslate2", "numpy", "transformers", "scikit-learn")


def cpu_flags(cpuinfo: Path = Path("/proc/cpuinfo")) -> set[str]:
    """The CPU's feature flags (x86 ``flags``, aarch64 ``Features``); empty where unknown."""
    try:
        text = cpuinfo.read_text(errors="replace")
    except OSError:
        return set()
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in ("flags", "Features"):
            return set(value.split())
    return set()


def cpu_features(flags: set[str] | None = None) -> dict[str, bool]:
    flags = cpu_flags() if flags is None else flags
    found = {name: flag in flags for name, flag in FEATURES.items()}
    if platform.machine() in ("aarch64", "arm64") and not flags:
        found["neon"] = True  # NEON is part of every aarch64 CPU
    return found


def cpu_model(cpuinfo: Path = Path("/proc/cpuinfo")) -> str:
    try:
        for line in cpuinfo.read_text(errors="replace").splitlines():
            key, _, value = line.partition(":")
            if key.strip() in ("model name", "Model", "CPU part"):
                return value.strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def versions(names: tuple[str, ...] = RUNTIMES) -> dict[str, str]:
    """Installed versions of the model runtimes ("" where one is not installed)."""
    found = {"python": platform.python_version()}
    for name in names:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = ""
    return found


def precision_modes() -> dict[str, str]:
    """The precision each model path is configured to run with (settings, not a probe)."""
    from . import settings

    s = settings.current()
    return {
        "image.clip_int8": s.image.precision,
        "text.language_model": s.text.dtype,
        "audio.whisper_encoder": "float32",  # fixed in audio/whisper_encoder.py
    }


def facts() -> dict[str, object]:
    """Everything above in one JSON-ready mapping."""
    return {
        "machine": platform.machine(),
        "cpu": cpu_model(),
        "cores": os.cpu_count() or 0,
        "cpu_features": cpu_features(),
        "versions": versions(),
        "precision": precision_modes(),
    }


def _lock_path() -> Path:
    return Path(__file__).resolve().parents[2] / "requirements.lock"


def locked_pins(lock: Path | None = None) -> dict[str, str]:
    """``name -> version`` of every pin in requirements.lock (empty where it is absent)."""
    path = lock or _lock_path()
    try:
        lines = path.read_text().splitlines()
    except OSError:
        return {}
    pins = {}
    for line in lines:
        name, sep, rest = line.partition("==")
        if sep and not line.startswith((" ", "#")):
            pins[_normalise(name)] = rest.split()[0].rstrip("\\").strip()
    return pins


def _normalise(name: str) -> str:
    return name.strip().lower().replace("_", "-").replace(".", "-")


def lock_drift(lock: Path | None = None) -> dict[str, tuple[str, str]]:
    """Locked packages whose installed version differs: ``name -> (locked, installed)``."""
    drift = {}
    for name, pinned in locked_pins(lock).items():
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = ""
        if installed != pinned:
            drift[name] = (pinned, installed)
    return drift


def provenance_versions() -> dict[str, object]:
    """The ``versions`` field a trained head or calibration records (issue 10).

    The runtimes' versions, the sha256 of the lock the environment was installed from, and
    the packages that differ from that lock (none when installed by ``.ci/setup``).
    """
    import hashlib

    path = _lock_path()
    try:
        lock_sha = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        lock_sha = ""
    drift = lock_drift(path) if lock_sha else {}
    return {
        "runtimes": versions(),
        "lock_sha256": lock_sha,
        "differs_from_lock": {name: list(pair) for name, pair in sorted(drift.items())},
    }


# -- the golden self-test's last result on this machine --------------------------------
# The web process never imports a model runtime, so it cannot run the self-test itself:
# ``manage.py doctor`` (or any process with the models) records the result here, keyed by
# what decides the outputs, and /ready shows it only while that key still matches.

SELF_TEST_FILE = "golden-selftest.json"


def fingerprint() -> str:
    """A short key of what decides the models' outputs on this machine."""
    import hashlib
    import json

    key = {
        "cpu": cpu_model(),
        "cpu_features": cpu_features(),
        "versions": versions(),
        "precision": precision_modes(),
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()[:16]


def _self_test_path() -> Path:
    from . import settings

    return settings.current().cache_dir / SELF_TEST_FILE


def record_self_test(report: dict[str, object]) -> Path:
    import json
    import time

    path = _self_test_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {
        "fingerprint": fingerprint(),
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "report": report,
    }
    path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n")
    return path


def recorded_self_test() -> dict[str, object]:
    """The recorded self-test if it was made on this machine as it is now."""
    import json

    path = _self_test_path()
    try:
        payload = json.loads(path.read_text())
    except (OSError, ValueError):
        return {"state": "not run here", "how": "python manage.py doctor"}
    if payload.get("fingerprint") != fingerprint():
        return {
            "state": "stale: recorded with another CPU, runtime or precision setting",
            "how": "python manage.py doctor",
            "at": payload.get("at"),
        }
    report = payload.get("report") or {}
    ok = isinstance(report, dict) and report.get("ok") is True
    return {"state": "passed" if ok else "FAILED", "at": payload.get("at"), "report": report}
