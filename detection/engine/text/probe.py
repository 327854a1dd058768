"""Can the text detector load here? Torch-free: /ready calls it in the web process."""

from __future__ import annotations

import importlib.util

from .. import settings
from ..errors import ModelUnavailable
from ..weights import packaged_file
from .choices import (
    GGUF_NAME,
    INSTALL_HINT,
    PACKAGE_MODULE,
    PACKAGE_PARTS,
    ModelChoice,
    configured_choices,
)
from .gguf_cache import converted_dir, is_complete

REQUIRED_MODULES = ("torch", "transformers", "safetensors", "tokenizers")


def probe() -> None:
    missing = [m for m in REQUIRED_MODULES if importlib.util.find_spec(m) is None]
    if missing:
        raise ModelUnavailable(f"python packages missing for the text detector: {missing}")
    for choice in dict.fromkeys(configured_choices()):
        _probe_choice(choice)
    calibration = settings.current().text.calibration_path
    if not calibration.is_file():
        raise ModelUnavailable(
            f"text calibration file missing: {calibration}; create it with "
            "`manage.py calibrate_text`"
        )


def _probe_choice(choice: ModelChoice) -> None:
    if choice.kind == "packaged":
        if is_complete(converted_dir()):
            return  # already converted: the GGUF parts are not needed any more
        if importlib.util.find_spec("gguf") is None:
            raise ModelUnavailable("python package 'gguf' is missing (needed to read the GGUF)")
        if importlib.util.find_spec(PACKAGE_MODULE) is None:
            raise ModelUnavailable(f"package {PACKAGE_MODULE!r} is not installed: {INSTALL_HINT}")
        for i, part in enumerate(PACKAGE_PARTS):
            packaged_file(part, f"data/{GGUF_NAME}.part{i:02d}", INSTALL_HINT)
        return
    _probe_hub(choice)


def _probe_hub(choice: ModelChoice) -> None:
    from huggingface_hub import try_to_load_from_cache

    cached = try_to_load_from_cache(choice.model_id, "config.json", revision=choice.revision)
    if isinstance(cached, str):
        return
    if settings.current().hf_hub_offline:
        raise ModelUnavailable(
            f"text model {choice.key} is not in the local Hugging Face cache and "
            "HF_HUB_OFFLINE is set: download it first with "
            f"`hf download {choice.model_id} --revision {choice.revision}`"
        )
