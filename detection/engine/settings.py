"""The engine's settings: one frozen object, read once from the environment (stdlib only).

Every ``DETECTION_*`` variable the engine understands is read here and nowhere else; the
table of them, with defaults and meanings, is ``SETTINGS.md`` beside this file (a test
checks that every variable read here is listed there). Engine code asks for
``settings.current()`` and reads typed fields (``current().image.max_pixels``); the
first call reads the environment and later calls return the same object.

A bad value (``DETECTION_IMAGE_MAX_PIXELS=lots``) raises :class:`SettingsError`, a
:class:`~detection.engine.errors.ModelUnavailable` naming the variable, so a job fails
with that reason and ``/ready`` reports it, instead of a detector guessing.

Tests build their own: ``settings.use(EngineSettings.from_env({...}))`` installs one,
``settings.use(None)`` drops it so the next ``current()`` reads the environment again
(the ``engine_env`` fixture in ``tests/conftest.py`` does both).

Like the rest of the engine this module never imports Django; Django's own settings
(``config/settings.py``) are a separate thing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

from .errors import ModelUnavailable

ENGINE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = ENGINE_DIR.parents[1]
TEXT_CALIBRATION_PATH = ENGINE_DIR / "text" / "calibration" / "zero_shot.json"

T = TypeVar("T")
Env = Mapping[str, str]


class SettingsError(ModelUnavailable):
    """An engine variable holds a value the engine cannot use; the message names it."""


# -- reading one variable --------------------------------------------------------------


def _read(env: Env, name: str, default: T, parse: Callable[[str], T]) -> T:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return parse(raw)
    except ValueError as exc:
        raise SettingsError(f"bad {name}={raw!r}: {exc}") from exc


def _bool(raw: str) -> bool:
    value = raw.lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError("use 1/0, true/false or yes/no")


def _names(raw: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in raw.split(",") if part.strip())


def _assignments(raw: str) -> Mapping[str, str]:
    """``a=x,b=y`` -> {a: x, b: y}; parts without a name or a value are skipped."""
    pairs = (part.partition("=") for part in raw.split(","))
    return MappingProxyType({k.strip(): v.strip() for k, _, v in pairs if k.strip() and v.strip()})


def _weights(raw: str) -> Mapping[str, float]:
    """``name=1.5,other=0`` -> {name: 1.5, other: 0.0}; a part without ``=`` is skipped."""
    weights: dict[str, float] = {}
    for part in filter(None, (p.strip() for p in raw.split(","))):
        name, sep, value = part.partition("=")
        if sep:
            weights[name.strip()] = float(value)
    return MappingProxyType(weights)


def _path(raw: str) -> Path:
    return Path(raw).expanduser()


def _megabytes(raw: str) -> int:
    return int(float(raw) * 1024 * 1024)


def _empty() -> Mapping[str, str]:
    return MappingProxyType({})


# -- the settings, by area -------------------------------------------------------------


@dataclass(frozen=True)
class TextSettings:
    """The text detectors (``DETECTION_TEXT_*``)."""

    observer: str = "gemma3-270m-gguf"  # parsed by text.choices.parse_choice
    performer: str = "gemma3-270m-gguf"
    dtype: str = "auto"  # auto | float32 | bfloat16 (auto: bfloat16 where the CPU has it)
    device: str = "auto"  # auto | cpu | cuda
    window_tokens: int = 512
    overlap: int = 0
    batch_windows: int = 8
    threads: int = 0  # torch threads while scoring; 0: auto (see ``scoring_threads``)
    compile: bool = True  # torch.compile the per-token statistics when a compiler exists
    calibration: str = ""  # path of a calibration JSON; "" = the one beside the detector
    fusion: str = "learned"  # learned | weighted | majority | unanimous
    fusion_file: str = ""  # path of a fusion JSON; "" = the one beside the ensemble
    # The ensemble scores a long text on at most this many model windows, spread over it
    # (0: every window). 4 x 512 tokens is ~1,500 words: a 10,000-word text then costs
    # about as much model time as a 1,500-word one (bench/text_ensemble.py).
    max_windows: int = 4

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
        return Path(self.calibration) if self.calibration else TEXT_CALIBRATION_PATH

    @classmethod
    def from_env(cls, env: Env) -> TextSettings:
        d = cls()
        return cls(
            observer=_read(env, "DETECTION_TEXT_OBSERVER", d.observer, str),
            performer=_read(env, "DETECTION_TEXT_PERFORMER", d.performer, str),
            dtype=_read(env, "DETECTION_TEXT_DTYPE", d.dtype, str),
            device=_read(env, "DETECTION_TEXT_DEVICE", d.device, str),
            window_tokens=_read(env, "DETECTION_TEXT_WINDOW", d.window_tokens, int),
            overlap=_read(env, "DETECTION_TEXT_OVERLAP", d.overlap, int),
            batch_windows=_read(env, "DETECTION_TEXT_BATCH", d.batch_windows, int),
            threads=_read(env, "DETECTION_TEXT_THREADS", d.threads, int),
            compile=_read(env, "DETECTION_TEXT_COMPILE", d.compile, _bool),
            calibration=_read(env, "DETECTION_TEXT_CALIBRATION", d.calibration, str),
            fusion=_read(env, "DETECTION_TEXT_FUSION", d.fusion, str),
            fusion_file=_read(env, "DETECTION_TEXT_FUSION_FILE", d.fusion_file, str),
            max_windows=_read(env, "DETECTION_TEXT_MAX_WINDOWS", d.max_windows, int),
        )


@dataclass(frozen=True)
class ImageSettings:
    """The image detectors (``DETECTION_IMAGE_*``, ``DETECTION_C2PA_*``)."""

    max_pixels: int = 50_000_000
    min_side: int = 64  # also the smallest video frame side
    max_frames: int = 1_000  # animations with more frames are refused (counted no further)
    max_batch: int = 16  # images per CLIP forward pass
    threads: int = 1  # onnxruntime threads inside one forward pass
    workers: int = 0  # forward passes at once; 0: one per core
    voting: str = ""  # "" = the method in the ensemble's config file
    weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    c2pa_trust_anchors: str = ""  # PEM file of trusted C2PA signers; "" = none
    max_crops: int = 5  # canonical-view crops per image (plus the degraded view's one)
    # INT8 CLIP kernels: auto | exact | fast (image/clip_layers.py; issue 10)
    precision: str = "auto"
    # offline training data (never read at detection time)
    data_dir: Path = PROJECT_ROOT.parent / "datasets" / "image"

    def parallel_passes(self) -> int:
        return max(1, self.workers or os.cpu_count() or 1)

    @property
    def corpus_dir(self) -> Path:
        return self.data_dir / "corpus"

    @property
    def features_dir(self) -> Path:
        return self.data_dir / "features"

    @classmethod
    def from_env(cls, env: Env) -> ImageSettings:
        d = cls()
        return cls(
            max_pixels=_read(env, "DETECTION_IMAGE_MAX_PIXELS", d.max_pixels, int),
            min_side=_read(env, "DETECTION_IMAGE_MIN_SIDE", d.min_side, int),
            max_frames=max(1, _read(env, "DETECTION_IMAGE_MAX_FRAMES", d.max_frames, int)),
            max_batch=max(1, _read(env, "DETECTION_IMAGE_MAX_BATCH", d.max_batch, int)),
            threads=max(1, _read(env, "DETECTION_IMAGE_THREADS", d.threads, int)),
            workers=_read(env, "DETECTION_IMAGE_WORKERS", d.workers, lambda r: max(1, int(r))),
            voting=_read(env, "DETECTION_IMAGE_VOTING", d.voting, str),
            weights=_read(env, "DETECTION_IMAGE_WEIGHTS", d.weights, _weights),
            c2pa_trust_anchors=_read(
                env, "DETECTION_C2PA_TRUST_ANCHORS", d.c2pa_trust_anchors, str
            ),
            max_crops=max(1, _read(env, "DETECTION_IMAGE_MAX_CROPS", d.max_crops, int)),
            precision=_read(env, "DETECTION_IMAGE_PRECISION", d.precision, str),
            data_dir=_read(env, "DETECTION_IMAGE_DATA_DIR", d.data_dir, _path),
        )


@dataclass(frozen=True)
class AudioSettings:
    """The audio detectors (``DETECTION_AUDIO_*``, ``DETECTION_AASIST_*``)."""

    max_seconds: float = 600.0
    aasist_variant: str = "AASIST"  # AASIST | AASIST-L
    # Windows the voice detector's anti-spoofing members read (when its fusion has any).
    cnn_windows: int = 1
    # CTranslate2 threads of the voice detector's Whisper encoder; 1 was fastest here under
    # load (one thread per job, jobs run side by side); 0 lets CTranslate2 choose.
    whisper_threads: int = 1

    @classmethod
    def from_env(cls, env: Env) -> AudioSettings:
        d = cls()
        seconds = _read(env, "DETECTION_AUDIO_MAX_SECONDS", d.max_seconds, float)
        return cls(
            # Zero or less means "no override": the default limit stays.
            max_seconds=seconds if seconds > 0 else d.max_seconds,
            aasist_variant=_read(env, "DETECTION_AASIST_VARIANT", d.aasist_variant, str),
            cnn_windows=max(1, _read(env, "DETECTION_AUDIO_CNN_WINDOWS", d.cnn_windows, int)),
            whisper_threads=max(
                0, _read(env, "DETECTION_AUDIO_WHISPER_THREADS", d.whisper_threads, int)
            ),
        )


@dataclass(frozen=True)
class VideoSettings:
    """The video detector (``DETECTION_VIDEO_*``) and its audio/visual fusion."""

    max_pixels: int = 3840 * 2160
    max_seconds: float = 1800.0
    fusion_method: str = "any"  # any | weighted | majority | unanimous
    fusion_weights: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_env(cls, env: Env) -> VideoSettings:
        d = cls()
        return cls(
            max_pixels=_read(env, "DETECTION_VIDEO_MAX_PIXELS", d.max_pixels, int),
            max_seconds=_read(env, "DETECTION_VIDEO_MAX_SECONDS", d.max_seconds, float),
            fusion_method=_read(env, "DETECTION_FUSION_METHOD", d.fusion_method, str),
            fusion_weights=_read(env, "DETECTION_FUSION_WEIGHTS", d.fusion_weights, _weights),
        )


@dataclass(frozen=True)
class EngineSettings:
    """Everything the engine reads from the environment, parsed and typed."""

    weights_dir: Path = PROJECT_ROOT.parent / "shared" / "weights"
    cache_dir: Path = Path.home() / ".cache" / "aidetect"
    extra_specs: tuple[str, ...] = ()  # modules whose SPECS join the registry
    default_detectors: Mapping[str, str] = field(default_factory=_empty)  # modality -> name
    memory_budget_bytes: int = 0  # 0: no budget
    min_free_memory_bytes: int = 0  # 0: no floor
    # Read by third-party code too; the engine reads them to give accurate messages.
    hf_hub_offline: bool = False
    cxx: str = "g++"
    text: TextSettings = field(default_factory=TextSettings)
    image: ImageSettings = field(default_factory=ImageSettings)
    audio: AudioSettings = field(default_factory=AudioSettings)
    video: VideoSettings = field(default_factory=VideoSettings)

    @classmethod
    def from_env(cls, env: Env | None = None) -> EngineSettings:
        """Read ``env`` (default: ``os.environ``); missing or empty variables keep defaults."""
        env = os.environ if env is None else env
        d = cls()
        home_cache = Path.home() / ".cache" / "aidetect"
        return cls(
            weights_dir=_read(env, "DETECTION_WEIGHTS_DIR", d.weights_dir, _path),
            cache_dir=_read(env, "DETECTION_CACHE_DIR", home_cache, _path),
            extra_specs=_read(env, "DETECTION_EXTRA_SPECS", d.extra_specs, _names),
            default_detectors=_read(
                env, "DETECTION_DEFAULT_DETECTORS", d.default_detectors, _assignments
            ),
            memory_budget_bytes=_read(env, "DETECTION_MODEL_MEMORY_BUDGET_MB", 0, _megabytes),
            min_free_memory_bytes=_read(env, "DETECTION_MIN_FREE_MEMORY_MB", 0, _megabytes),
            # Hugging Face's own variable: read as leniently as huggingface_hub reads it.
            hf_hub_offline=env.get("HF_HUB_OFFLINE", "").strip().lower()
            in ("1", "true", "yes", "on"),
            cxx=_read(env, "CXX", d.cxx, str),
            text=TextSettings.from_env(env),
            image=ImageSettings.from_env(env),
            audio=AudioSettings.from_env(env),
            video=VideoSettings.from_env(env),
        )


# -- the process's settings ------------------------------------------------------------

_lock = threading.Lock()
_current: EngineSettings | None = None


def current() -> EngineSettings:
    """The settings of this process: read from the environment on first use."""
    global _current
    settings = _current
    if settings is None:
        with _lock:
            if _current is None:
                _current = EngineSettings.from_env()
            settings = _current
    return settings


def use(settings: EngineSettings | None) -> EngineSettings | None:
    """Install ``settings`` (tests, embedding code); None: read the environment on next use.

    Returns the settings that were installed before, so a caller can put them back.
    """
    global _current
    with _lock:
        previous, _current = _current, settings
    return previous
