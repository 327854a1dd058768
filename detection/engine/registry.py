"""Detectors keyed by name and modality, loaded lazily once per process.

The registry is data: each modality package (``detection.engine.<modality>``) declares
``SPECS``, a list of :class:`DetectorSpec`, in its torch-free ``__init__``. The registry
imports a detector's implementation only when it is first asked for, so the web process
can list detectors and probe their availability without importing torch.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import importlib.util
import json
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import settings
from .base import Detector, DetectorInput, Progress
from .errors import EngineError, InputRejected, ModelUnavailable
from .result import DetectionResult, Modality
from .sniff import looks_like_text, sniff

MODALITY_PACKAGES = ("text", "image", "video", "audio", "fusion")
# Extra modules declaring SPECS (comma-separated dotted paths), e.g. a site's own detector
# or the tests' failure-injection detectors; read on every call so tests can set it.
EXTRA_SPECS_ENV = "DETECTION_EXTRA_SPECS"
# Override of the default detector per modality: "text=text.ensemble,image=image.clip".
DEFAULTS_ENV = "DETECTION_DEFAULT_DETECTORS"


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


def _extra_spec_modules() -> list[str]:
    return list(settings.current().extra_specs)


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
    for dotted in _extra_spec_modules():
        for spec in getattr(importlib.import_module(dotted), "SPECS", []):
            specs[spec.name] = spec
    return specs


def _default_overrides() -> dict[str, str]:
    return dict(settings.current().default_detectors)


def default_spec(modality: str) -> DetectorSpec:
    specs = all_specs()
    chosen = _default_overrides().get(modality)
    if chosen is not None:
        if chosen in specs and specs[chosen].modality == modality:
            return specs[chosen]
        raise ModelUnavailable(f"{DEFAULTS_ENV} names {chosen!r}, not a {modality} detector")
    for spec in specs.values():
        if spec.modality == modality and spec.default:
            return spec
    raise ModelUnavailable(f"no detector is available for {modality}")


def is_default(spec: DetectorSpec) -> bool:
    """Whether jobs of the spec's modality run it (the override counts, not just the flag)."""
    chosen = _default_overrides().get(spec.modality)
    return spec.name == chosen if chosen is not None else spec.default


def supported_modalities() -> list[str]:
    return sorted({s.modality for s in all_specs().values() if is_default(s)})


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

# Called as listener(name, seconds) after each load (the Django side records a metric).
LoadListener = Callable[[str, float], None]
_load_listeners: list[LoadListener] = []


def add_load_listener(listener: LoadListener) -> None:
    if listener not in _load_listeners:
        _load_listeners.append(listener)


def get_detector(name: str) -> Detector:
    """The process-wide loaded instance of a detector (loading it on first use).

    The memory manager sees every use (least-recently-used order) and every load; when
    the configured budget or the machine's free memory is short it unloads the least
    recently used other detectors first.
    """
    from . import memory

    with _lock:
        instance = _instances.get(name)
        if instance is None:
            specs = all_specs()
            if name not in specs:
                raise ModelUnavailable(f"unknown detector {name!r}; known: {sorted(specs)}")
            # Before loading, room for the size measured at an earlier load (if any)...
            _unload_for(name)
            instance = _resolve(specs[name].impl)()
            before = memory.usage_bytes()
            started = time.perf_counter()
            instance.load()
            seconds = time.perf_counter() - started
            memory.manager.record_load(name, instance, before)
            # ...and after, now that its size is known, so the budget holds from here on.
            _unload_for(name)
            _instances[name] = instance
            for listener in list(_load_listeners):
                listener(name, seconds)
        memory.manager.touch(name)
        return instance


def _unload_for(name: str) -> None:
    from . import memory

    others = [n for n in _instances if n != name]
    victims = memory.manager.make_room(name, loaded=others)
    for victim in victims:
        _instances.pop(victim, None)
    if victims:
        memory.manager.release()


def loaded_detectors() -> list[str]:
    return sorted(_instances)


def unload(name: str) -> None:
    from . import memory

    with _lock:
        _instances.pop(name, None)
        memory.manager.forget(name)


@functools.lru_cache(maxsize=64)
def version_key(name: str) -> str:
    """A digest that changes when a detector's code, calibration or spec changes.

    It covers the spec, the source of the detector's module and every JSON file
    (calibration, policy) in the module's folder, and reads files only: the web process
    and the result cache can compute it without importing torch or loading the model.
    Cached per process: a changed file only takes effect after a restart anyway.
    """
    spec = all_specs()[name]
    digest = hashlib.sha256(json.dumps([spec.name, spec.impl, spec.modality]).encode())
    module_name = spec.impl.partition(":")[0]
    found = importlib.util.find_spec(module_name)
    if found is not None and found.origin and Path(found.origin).is_file():
        origin = Path(found.origin)
        digest.update(origin.read_bytes())
        for data_file in sorted(origin.parent.rglob("*.json")):
            digest.update(data_file.name.encode())
            digest.update(data_file.read_bytes())
    return digest.hexdigest()[:32]


def detect_modality(content: DetectorInput) -> Modality:
    if isinstance(content, str):
        return "text"
    with Path(content).open("rb") as fh:
        head = fh.read(4096)
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
