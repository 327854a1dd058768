"""AASIST anti-spoofing detector on raw waveforms (published ASVspoof 2019 LA checkpoints).

The checkpoint is a pinned file under the weights directory (``DETECTION_WEIGHTS_DIR``,
by default ``../shared/weights``): ``aasist/AASIST.pth`` (or ``AASIST-L.pth``), checked
against its sha256 and loaded with ``strict=True``. Each ~4 s speech window gives two
logits (index 1 = bona fide); the raw score is ``spoof - bona fide`` so that higher means
more AI-like. Windows shorter than 64,600 samples are tiled up to that length, as the
authors' evaluation code does for short utterances (this is how 2 s streaming windows are
scored too).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from ..result import ModelRef
from ..weights import require_file
from .aasist_weights import INPUT_SAMPLES, VARIANTS, WEIGHTS, variant
from .detector import WindowDetector
from .windows import repeat_to


def load_network(name: str) -> Any:
    """The AASIST module with the published weights loaded strictly, in eval mode."""
    import torch

    from .aasist_net import Aasist, AasistConfig

    path = require_file(WEIGHTS[name])
    net = Aasist(AasistConfig.from_dict(VARIANTS[name]))
    state = torch.load(path, map_location="cpu", weights_only=True)
    net.load_state_dict(state, strict=True)
    net.eval()
    return net


def for_inference(net: Any) -> Any:
    """Trace and freeze the network for CPU inference (~1.4x faster than eager here).

    Every input is exactly 64,600 samples, so the graph-pooling node counts that tracing
    records as constants are the same for every call; only the batch size varies.
    """
    import warnings

    import torch

    example = torch.zeros(1, INPUT_SAMPLES)
    try:
        with warnings.catch_warnings(), torch.no_grad():
            # TorchScript is deprecated in favour of torch.compile, which needs a C++
            # toolchain at run time; while tracing still works it is the lighter choice.
            warnings.simplefilter("ignore", torch.jit.TracerWarning)
            warnings.simplefilter("ignore", DeprecationWarning)
            traced = torch.jit.trace(net, example, check_trace=False)
            return torch.jit.optimize_for_inference(torch.jit.freeze(traced.eval()))
    except (RuntimeError, AttributeError):
        return net  # a torch without TorchScript: the eager module gives the same logits


class AasistDetector(WindowDetector):
    name = "audio.aasist"

    def __init__(self) -> None:
        super().__init__()
        self.variant = variant()
        self._net: Any = None

    @property
    def calibration_name(self) -> str:
        return "audio.aasist" if self.variant == "AASIST" else "audio.aasist_l"

    def _load_model(self) -> None:
        self._net = for_inference(load_network(self.variant))

    def models(self) -> list[ModelRef]:
        return [
            ModelRef(id=f"clovaai/aasist:{self.variant}", revision=WEIGHTS[self.variant].sha256)
        ]

    def logits(self, windows: Sequence[np.ndarray]) -> np.ndarray:
        """(n, 2) logits [spoof, bona fide] for speech windows of any length."""
        import torch

        if self._net is None:
            self.load_model()
        batch = np.stack(
            [repeat_to(np.asarray(w, dtype=np.float32), INPUT_SAMPLES) for w in windows]
        )
        with torch.inference_mode():
            out = self._net(torch.from_numpy(batch))
        return out.numpy()

    def _score_batch(self, windows: Sequence[np.ndarray]) -> np.ndarray:
        logits = self.logits(windows)
        return logits[:, 0] - logits[:, 1]
