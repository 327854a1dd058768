"""``manage.py doctor`` and the runtime part of /ready's staff details."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from detection.engine import runtime_facts


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    # Only the record moves: the models' own caches (Gemma's conversion) stay where they are.
    monkeypatch.setattr(runtime_facts, "_self_test_path", lambda: tmp_path / "selftest.json")
    return tmp_path


@pytest.fixture
def staff_client(client: Any, django_user_model: Any) -> Any:
    client.force_login(django_user_model.objects.create_user("ops", is_staff=True))
    return client


@pytest.mark.django_db
def test_ready_tells_staff_what_the_detectors_run_on(staff_client: Any, cache: Path) -> None:
    runtime = staff_client.get("/ready").json()["runtime"]
    assert set(runtime["cpu_features"]) == set(runtime_facts.FEATURES)
    assert runtime["versions"]["onnxruntime"] and runtime["versions"]["torch"]
    assert runtime["precision"]["image.clip_int8"] == "auto"
    assert runtime["golden_self_test"]["state"] == "not run here"


@pytest.mark.django_db
def test_ready_shows_the_recorded_self_test_while_this_machine_is_unchanged(
    staff_client: Any, cache: Path, engine_env: Callable[..., Any]
) -> None:
    runtime_facts.record_self_test({"ok": True, "cases": {}})
    assert staff_client.get("/ready").json()["runtime"]["golden_self_test"]["state"] == "passed"
    runtime_facts.record_self_test({"ok": False, "cases": {}})
    assert staff_client.get("/ready").json()["runtime"]["golden_self_test"]["state"] == "FAILED"
    engine_env(DETECTION_IMAGE_PRECISION="fast")
    state = staff_client.get("/ready").json()["runtime"]["golden_self_test"]["state"]
    assert state.startswith("stale")


@pytest.mark.django_db
def test_anonymous_ready_has_no_runtime_details(client: Any, cache: Path) -> None:
    body = client.get("/ready").json()
    assert set(body) == {"status"}


def test_the_runtime_details_import_no_model_runtime() -> None:
    code = (
        "import sys, django, os; os.environ['DJANGO_SETTINGS_MODULE']='config.settings';"
        "django.setup(); from detection import health; health._runtime();"
        "print(sorted(m for m in ('torch','onnxruntime','ctranslate2') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_doctor_without_self_test_reports_facts_and_loads_no_model(cache: Path) -> None:
    out = StringIO()
    call_command("doctor", "--no-self-test", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["cpu_features"] == runtime_facts.cpu_features()
    assert report["differs_from_lock"] == {}  # installed by .ci/setup from the lock
    assert "self_test" not in report
    assert not (cache / "selftest.json").exists()


@pytest.mark.model
def test_doctor_runs_the_self_test_and_records_it(cache: Path) -> None:
    out = StringIO()
    call_command("doctor", "--json", stdout=out)
    report = json.loads(out.getvalue())
    cases = report["self_test"]["cases"]
    assert "photo:astronaut" in cases and "text:fixed" in cases
    assert report["self_test"]["ok"] is True, cases
    assert runtime_facts.recorded_self_test()["state"] == "passed"
