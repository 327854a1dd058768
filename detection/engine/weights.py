"""One resolver for model weights: packaged files, a local weights folder, a cache.

- ``weights_dir()``: ``DETECTION_WEIGHTS_DIR``, else ``../shared/weights`` beside the
  project when it exists (the CI layout). Weights there are read, never written.
- ``cache_dir()``: ``DETECTION_CACHE_DIR``, else ``~/.cache/aidetect``; converted weights
  (e.g. a dequantised GGUF saved as safetensors) live here so later starts take seconds.
- ``require_file()``: a weight file with a pinned sha256; a missing or altered file raises
  ModelUnavailable naming the expected path, the checksum and the upstream URL.
- ``fetch()``: downloads a pinned file on request (``manage.py fetch_weights``), never at
  import or detection time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
import tempfile
import urllib.request
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import settings
from .errors import ModelUnavailable
from .settings import PROJECT_ROOT as PROJECT_ROOT  # re-exported: callers import it from here


@dataclass(frozen=True)
class PinnedFile:
    """A weight file the project knows by path (relative to the weights dir) and checksum."""

    relpath: str
    sha256: str
    url: str = ""


def weights_dir() -> Path:
    return settings.current().weights_dir


def cache_dir() -> Path:
    path = settings.current().cache_dir
    path.mkdir(parents=True, exist_ok=True)
    return path


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


@lru_cache(maxsize=64)
def _verified(path: Path, size: int, mtime: float, sha256: str) -> bool:
    # Keyed on size and mtime so a replaced file is hashed again.
    return sha256_file(path) == sha256


def require_file(pinned: PinnedFile, verify: bool = True) -> Path:
    path = weights_dir() / pinned.relpath
    how = f"fetch it with `manage.py fetch_weights` from {pinned.url}" if pinned.url else ""
    if not path.is_file():
        raise ModelUnavailable(
            f"weight file missing: expected {path} (sha256 {pinned.sha256}); "
            f"set DETECTION_WEIGHTS_DIR or {how or 'place the file there'}"
        )
    if verify:
        stat = path.stat()
        if not _verified(path, stat.st_size, stat.st_mtime, pinned.sha256):
            raise ModelUnavailable(
                f"weight file {path} does not match its pinned sha256 {pinned.sha256}; {how}"
            )
    return path


def packaged_file(module: str, relpath: str, install_hint: str) -> Path:
    """A file shipped inside an installed package, located without importing the package."""
    spec = importlib.util.find_spec(module)
    if spec is None or not spec.submodule_search_locations:
        raise ModelUnavailable(f"package {module!r} is not installed: {install_hint}")
    for location in spec.submodule_search_locations:
        candidate = Path(location) / relpath
        if candidate.exists():
            return candidate
    raise ModelUnavailable(f"{relpath} not found inside package {module!r}: {install_hint}")


def module_available(module: str) -> bool:
    return importlib.util.find_spec(module) is not None


def fetch(pinned: PinnedFile, timeout: float = 60.0) -> Path:
    """Download a pinned file into the weights dir, checking its sha256 before keeping it."""
    if not pinned.url:
        raise ModelUnavailable(f"no upstream URL is pinned for {pinned.relpath}")
    dest = weights_dir() / pinned.relpath
    dest.parent.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.NamedTemporaryFile(dir=dest.parent, delete=False) as tmp,
        urllib.request.urlopen(pinned.url, timeout=timeout) as response,  # noqa: S310
    ):
        shutil.copyfileobj(response, tmp)
    tmp_path = Path(tmp.name)
    actual = sha256_file(tmp_path)
    if actual != pinned.sha256:
        tmp_path.unlink()
        raise ModelUnavailable(
            f"download of {pinned.url} has sha256 {actual}, expected {pinned.sha256}"
        )
    tmp_path.replace(dest)
    return dest
