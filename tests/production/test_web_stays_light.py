"""The web process serves every request type without importing torch, and the registry's
additions (version keys, default overrides) work from there."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from detection.engine import registry
from tests.conftest import PROJECT_ROOT

SCRIPT = """
import os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
from config.asgi import application  # noqa: F401  (the whole web stack, as daphne loads it)
from django.test import Client
from detection.engine import registry
client = Client()
for path in ("/health", "/ready", "/metrics", "/api/schema/", "/accounts/login/"):
    client.get(path)
keys = {name: registry.version_key(name) for name in registry.all_specs()}
heavy = sorted(m for m in ("torch", "onnxruntime", "transformers", "cv2") if m in sys.modules)
print("HEAVY", heavy)
print("KEYS", len(keys))
"""


def test_the_web_process_never_imports_torch() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "METRICS_ALLOWED_NETWORKS": "127.0.0.0/8"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "HEAVY []" in done.stdout, done.stdout


def test_version_keys_are_stable_and_differ_between_detectors(use_detector: Any) -> None:
    use_detector("testing.wordstat")
    first = registry.version_key("testing.wordstat")
    assert first == registry.version_key("testing.wordstat")
    assert first != registry.version_key("testing.failing")


def test_default_detector_can_be_overridden_per_modality(use_detector: Any) -> None:
    use_detector("testing.failing")
    assert registry.default_spec("text").name == "testing.failing"
    assert registry.is_default(registry.all_specs()["testing.failing"])
    assert "text" in registry.supported_modalities()
