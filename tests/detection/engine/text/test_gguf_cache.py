"""The converted-model cache appears atomically, once, even when workers start together.

The conversion itself is replaced by a quick writer here (failure injection and timing
control); the real conversion is exercised by the model tests.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from detection.engine.text import gguf_cache


@pytest.fixture
def cache(tmp_path: Path, engine_env: Any) -> Path:
    engine_env(DETECTION_CACHE_DIR=str(tmp_path))
    return tmp_path


def _fake_convert(calls: list[int], delay: float = 0.2):
    def convert(out: Path) -> None:
        calls.append(1)
        for name in gguf_cache.FILES:
            time.sleep(delay / len(gguf_cache.FILES))  # a slow, step-by-step writer
            (out / name).write_text(name)

    return convert


def test_two_processes_starting_together_convert_once(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    monkeypatch.setattr(gguf_cache, "_convert", _fake_convert(calls))
    results: list[Path] = []
    threads = [
        threading.Thread(target=lambda: results.append(gguf_cache.packaged_model_dir()))
        for _ in range(3)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1
    assert len(set(results)) == 1 and gguf_cache.is_complete(results[0])
    leftovers = [p.name for p in (cache / "text").iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_a_failed_conversion_leaves_no_directory_behind(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(out: Path) -> None:
        (out / "config.json").write_text("{}")
        raise RuntimeError("disk full")

    monkeypatch.setattr(gguf_cache, "_convert", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        gguf_cache.packaged_model_dir()
    assert not gguf_cache.converted_dir().exists()
    assert [p for p in (cache / "text").iterdir() if p.is_dir()] == []


def test_a_directory_without_its_marker_is_converted_again(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    partial = gguf_cache.converted_dir()
    partial.mkdir(parents=True)
    (partial / "config.json").write_text("{}")  # e.g. copied by hand, incomplete
    calls: list[int] = []
    monkeypatch.setattr(gguf_cache, "_convert", _fake_convert(calls, delay=0))
    assert gguf_cache.packaged_model_dir() == partial
    assert calls == [1] and gguf_cache.is_complete(partial)
