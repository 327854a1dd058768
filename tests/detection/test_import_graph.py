"""The Django side's import graph: no cycles between the modules of ``detection``,
``accounts`` and ``config`` (the engine's own graph is checked in tests/detection/engine)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import PROJECT_ROOT
from tests.detection.engine.test_import_graph import _cycles, _imports


def _modules(package: str) -> dict[str, Path]:
    root = PROJECT_ROOT / package
    found = {}
    for path in root.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        parts = [*path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join([package, *parts])] = path
    return found


def _graph() -> dict[str, set[str]]:
    known = {**_modules("detection"), **_modules("accounts"), **_modules("config")}
    graph = {}
    for name, path in known.items():
        # ``from . import sibling`` names the own package, which is already being imported.
        graph[name] = {t for t in _imports(name, path, known) if not name.startswith(t + ".")}
    return graph


def test_detection_accounts_and_config_modules_import_each_other_without_cycles() -> None:
    assert _cycles(_graph()) == []


def test_a_job_reaches_the_detector_through_each_module_once() -> None:
    """dispatch -> jobs -> execution -> batching: the queue never imports what it feeds."""
    graph = _graph()
    assert "detection.services" not in graph["detection.dispatch"]
    assert "detection.tasks" not in graph["detection.dispatch"]
    assert "detection.dispatch" not in graph["detection.jobs"]
    assert "detection.tasks" not in graph["detection.execution.remote"]
    assert not {m for m in graph["detection.metrics"] if m.startswith("detection.execution")}
