from __future__ import annotations

from typing import Any

from detection.engine import memory, registry

MB = 1024 * 1024


def test_loading_past_the_budget_unloads_the_least_recently_used_model(
    use_detector: Any, engine_env: Any
) -> None:
    use_detector("testing.wordstat")
    engine_env(**{memory.BUDGET_ENV: "100"})  # two 64 MB ballasts do not fit
    registry.get_detector("testing.ballast_a")
    assert memory.manager.sizes["testing.ballast_a"] > 48 * MB  # measured from RSS growth
    registry.get_detector("testing.wordstat")  # small, fits beside it
    registry.get_detector("testing.ballast_b")
    loaded = registry.loaded_detectors()
    assert "testing.ballast_b" in loaded and "testing.ballast_a" not in loaded
    assert "testing.wordstat" in loaded


def test_recent_use_protects_a_model_from_eviction(use_detector: Any, engine_env: Any) -> None:
    use_detector("testing.wordstat")
    engine_env(**{memory.BUDGET_ENV: "100"})
    registry.get_detector("testing.ballast_a")
    registry.get_detector("testing.wordstat")
    registry.get_detector("testing.ballast_a")  # used again: wordstat is now the LRU one
    manager = memory.MemoryManager(budget_bytes=1)
    for name in ("testing.ballast_a", "testing.wordstat"):
        manager.sizes[name] = 10
    manager.touch("testing.ballast_a")
    manager.touch("testing.wordstat")
    manager.touch("testing.ballast_a")
    victims = manager.make_room("x", loaded=["testing.ballast_a", "testing.wordstat"])
    assert victims[0] == "testing.wordstat"


def test_low_free_memory_unloads_until_enough_would_be_free() -> None:
    manager = memory.MemoryManager(min_free_bytes=100 * MB, free_probe=lambda: 30 * MB)
    manager.sizes.update({"a": 40 * MB, "b": 50 * MB, "c": 500 * MB})
    for name in ("a", "b", "c"):
        manager.touch(name)
    # 30 free + 40 (a) + 50 (b) = 120 MB >= 100 MB: c, the most recently used, stays.
    assert manager.make_room("new", loaded=["a", "b", "c"]) == ["a", "b"]


def test_no_budget_means_nothing_is_unloaded() -> None:
    manager = memory.MemoryManager(budget_bytes=0, min_free_bytes=0)
    manager.sizes["a"] = 10**12
    manager.touch("a")
    assert manager.make_room("b", loaded=["a"]) == []
