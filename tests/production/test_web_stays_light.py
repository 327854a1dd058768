"""The web process serves every request type without importing torch, and the registry's
additions (version keys, default overrides) work from there."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from detection.engine import registry
from tests.conftest import PROJECT_ROOT, redis_test_url

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


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.model  # the worker loads the real live models (the web process never does)
@pytest.mark.django_db(transaction=True)
def test_http_text_stream_live_socket_and_webrtc_paths_import_no_model_runtime(
    user: Any, tmp_path: Path
) -> None:
    """The web process with the Celery executor and a real worker on the window queue: a
    text-stream window, live frames and voice windows are scored by the worker and come
    back; after each path the web process holds no torch, onnxruntime or ctranslate2."""
    import redis
    from django.conf import settings as django_settings

    from accounts.tokens import token_create

    db = django_settings.DATABASES["default"]
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": (
            f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        ),
        "REDIS_URL": str(redis_test_url()),
        "DETECTION_EXECUTOR": "celery",
        "DETECTION_EXTRA_SPECS": "tests.production.detectors",
        "DETECTION_DEFAULT_DETECTORS": "text=testing.wordstat",
        "DETECTION_CACHE_DIR": str(tmp_path / "cache"),
        "LIVE_ICE_HOST_ADDRESSES": "127.0.0.1",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PYTHONUNBUFFERED": "1",
    }
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    token = token_create(user=user, name="paths")[1]
    log = tmp_path / "worker.log"
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker", "-P", "solo",
         "-Q", "live", "-n", "paths@%h", "--without-gossip", "--without-mingle", "-l", "INFO"],
        cwd=PROJECT_ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while "ready." not in log.read_text() and time.monotonic() < deadline:
            assert worker.poll() is None, log.read_text()[-3000:]
            time.sleep(0.3)
        assert "ready." in log.read_text(), log.read_text()[-3000:]
        done = subprocess.run(
            [sys.executable, "-m", "tests.production.web_paths_check"],
            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=240,
            env={**env, "CHECK_TOKEN": token},
        )  # fmt: skip
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    assert done.returncode == 0, done.stderr[-4000:] + log.read_text()[-2000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("REPORT "))
    report = json.loads(line.removeprefix("REPORT "))
    for path in ("http", "text_stream", "live_socket", "webrtc"):
        assert report[path] == [], (path, report[path])
    window = report["text_window"]
    assert window["type"] == "window", (window, log.read_text()[-3000:])
    assert window["result"]["detector"] == "testing.wordstat"  # scored by the worker
    for name in ("live_socket_summary", "webrtc_summary"):
        stats = report[name]["stats"]
        assert report[name]["detection"]["id"] and stats["frames_sampled"] >= 1, report[name]
    from detection.models import Detection

    for name in ("live_socket_summary", "webrtc_summary"):
        row = Detection.objects.get(pk=report[name]["detection"]["id"])
        scored = [w for w in row.evidence["video_timeline"] if w["probability_ai"] is not None]
        assert scored, row.evidence  # frames came back scored from the worker's models
