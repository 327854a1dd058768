"""Golden outputs: every default detector gives the recorded numbers on fixed inputs.

They must hold on any supported CPU (issue 10: the INT8 CLIP tower saturated on AVX2 CPUs
without VNNI and real photos were called AI). ``bench/golden_on_emulated_cpu.sh`` runs one
case on an emulated AVX2-only CPU, with and without the CPU-independent session.
After a reviewed change of outputs: ``python manage.py golden --write``.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from detection.engine import golden, registry

GOLDEN = golden.load()


@pytest.mark.model
@pytest.mark.parametrize("item", golden.inputs(), ids=lambda i: i.name)
def test_default_detector_matches_its_golden_outputs(item: golden.GoldenInput) -> None:
    reason = item.missing()
    if reason:
        pytest.skip(f"golden input not here: {reason} (../shared/data not laid out)")
    problem = registry.probe(registry.default_spec(item.modality))
    if problem:
        pytest.skip(f"default {item.modality} detector unavailable: {problem}")
    problems = golden.compare(GOLDEN["cases"][item.name], golden.measure(item))
    assert not problems, "\n".join(problems)


def test_the_golden_file_covers_every_input_and_every_default_detector() -> None:
    cases = GOLDEN["cases"]
    assert sorted(cases) == sorted(i.name for i in golden.inputs())
    for item in golden.inputs():
        detectors = cases[item.name]["detectors"]
        assert registry.default_spec(item.modality).name in detectors
        assert all("probability" in row for row in detectors.values())
        if item.modality == "image":
            assert len(cases[item.name]["clip_embedding"]["vector"]) == 512
    assert GOLDEN["tolerances"] == golden.TOLERANCES
    assert set(golden.SELF_TEST) <= set(cases)


def _moved(case: dict[str, Any], path: list[str], delta: float) -> dict[str, Any]:
    moved = copy.deepcopy(case)
    node = moved
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] += delta
    return moved


def test_compare_accepts_the_tolerance_and_flags_what_exceeds_it() -> None:
    case = GOLDEN["cases"]["photo:astronaut"]
    assert golden.compare(case, copy.deepcopy(case)) == []
    prob = ["detectors", "image.ensemble/image.clip", "probability"]
    assert golden.compare(case, _moved(case, prob, 0.03)) == []
    assert golden.compare(case, _moved(case, prob, 0.2))  # a moved calibrated probability
    norm = ["clip_embedding", "norm"]
    assert golden.compare(case, _moved(case, norm, case["clip_embedding"]["norm"] * 0.1))
    saturated = copy.deepcopy(case)
    saturated["clip_embedding"]["vector"] = [-v for v in case["clip_embedding"]["vector"]]
    assert any("cosine" in p for p in golden.compare(case, saturated))
    missing = copy.deepcopy(case)
    del missing["detectors"]["image.ensemble/image.patch"]
    assert golden.compare(case, missing) == ["image.ensemble/image.patch: not in the result"]
