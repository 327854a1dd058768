"""Detectors keyed by name and modality, loaded lazily once per process.

The registry is data: each modality package (``detection.engine.<modality>``) declares
``SPECS``, a list of :class:`DetectorSpec`, in its torch-free ``__init__``. The registry
imports a detector's implementation only when it is first asked for, so the web process
can list detectors and probe their availability without importing torch.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .base import Detector, DetectorInput, Progress
from .errors import EngineError, InputRejected, ModelUnavailable
from .result import DetectionResult, Modality
from .sniff import looks_like_text, sniff

MODALITY_PACKAGES = ("text", "image", "video", "audio", "fusion")


@dataclass(frozen=True)
class DetectorSpec:
    name: str  # "<modality>.<detector>", e.g. "text.zero_shot"
    modality: Modality
    impl: str  # "package.module:ClassName"
    description: str = ""
    default: bool = False  # the detector a job of this modality runs
    # "package.module:function" that raises ModelUnavailable when code or weights are
    # missing. It must not import torch: /ready calls it in the web process.
    probe: str | None = None


def _resolve(dotted: str) -> Any:
    module_name, _, attr = dotted.partition(":")
    return getattr(importlib.import_module(module_name), attr)


def all_specs() -> dict[str, DetectorSpec]:
    specs: dict[str, DetectorSpec] = {}
    for package in MODALITY_PACKAGES:
        try:
            module = importlib.import_module(f"{__package__}.{package}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__package__}.{package}":
                continue  # that modality is not built (yet)
            raise
        for spec in getattr(module, "SPECS", []):
            specs[spec.name] = spec
    return specs


def default_spec(modality: str) -> DetectorSpec:
    for spec in all_specs().values():
        if spec.modality == modality and spec.default:
            return spec
    raise ModelUnavailable(f"no detector is available for {modality}")


def supported_modalities() -> list[str]:
    return sorted({s.modality for s in all_specs().values() if s.default})


def probe(spec: DetectorSpec) -> str | None:
    """None when the detector's code and weights are present, else the reason."""
    if spec.probe is None:
        return None
    try:
        check: Callable[[], None] = _resolve(spec.probe)
        check()
    except EngineError as exc:
        return str(exc)
    return None


_instances: dict[str, Detector] = {}
_lock = threading.Lock()


def get_detector(name: str) -> Detector:
    """The process-wide loaded instance of a detector (loading it on first use)."""
    with _lock:
        instance = _instances.get(name)
        if instance is None:
            specs = all_specs()
            if name not in specs:
                raise ModelUnavailable(f"unknown detector {name!r}; known: {sorted(specs)}")
            instance = _resolve(specs[name].impl)()
            instance.load()
            _instances[name] = instance
        return instance


def loaded_detectors() -> list[str]:
    return sorted(_instances)


def unload(name: str) -> None:
    with _lock:
        _instances.pop(name, None)


def detect_modality(content: DetectorInput) -> Modality:
    if isinstance(content, str):
        return "text"
    head = Path(content).open("rb").read(4096)
    sniffed = sniff(head)
    if sniffed is not None:
        return sniffed.modality
    if looks_like_text(Path(content).read_bytes()):
        return "text"
    raise InputRejected("unrecognised file type: not text, image, audio or video")


def detect(
    content: DetectorInput,
    modality: str = "auto",
    *,
    detector: str | None = None,
    options: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
) -> DetectionResult:
    """Run the default detector of the content's modality (or the named one)."""
    if detector is None:
        resolved = detect_modality(content) if modality == "auto" else modality
        detector = default_spec(resolved).name
    if isinstance(content, Path) and all_specs()[detector].modality == "text":
        content = content.read_text(encoding="utf-8")
    return get_detector(detector).detect(content, options=options, progress=progress)
