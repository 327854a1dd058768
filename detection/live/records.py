"""Plain data passed between the live session, the analyzers, the browser and the summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

LiveModality = Literal["video", "audio"]
LIVE_MODALITIES: tuple[LiveModality, ...] = ("video", "audio")


@dataclass
class WindowScore:
    """What an analyzer concluded about one frame or one audio window.

    ``probability_ai`` is None when the window could not be scored (no face in the frame,
    no speech in the window): ``note`` then says why, and the window counts for nothing
    in the summary.
    """

    detector: str
    probability_ai: float | None
    verdict: str | None  # "ai" | "human" | "uncertain" | None when not scored
    note: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class FrameItem:
    """A sampled video frame waiting for analysis; decoding to RGB happens on the worker."""

    index: int
    t: float  # seconds since the session started
    received_at: float  # time.monotonic() when it reached the server
    decode: Callable[[], np.ndarray]  # -> (H, W, 3) uint8 RGB
    nbytes: int = 0
    jpeg: bytes | None = None  # the frame as the browser sent it (fallback socket), if so


@dataclass
class AudioItem:
    index: int
    start_s: float
    end_s: float
    received_at: float  # when the window's last sample arrived
    samples: np.ndarray  # float32 16 kHz mono


@dataclass
class WindowRecord:
    """One analysed frame or audio window, as shown in the chart and stored in the summary."""

    modality: LiveModality
    index: int
    start_s: float
    end_s: float
    detector: str
    probability_ai: float | None
    verdict: str | None
    note: str
    latency_ms: float  # media reached the server -> result ready (waiting + detector)
    analysis_ms: float  # time inside the detector alone
    details: dict[str, Any] = field(default_factory=dict)
    done_at: float = 0.0  # monotonic clock when the result was ready (not sent or stored)

    def to_json(self) -> dict[str, Any]:
        return {
            "modality": self.modality,
            "index": self.index,
            "start_s": round(self.start_s, 3),
            "end_s": round(self.end_s, 3),
            "detector": self.detector,
            "probability_ai": (
                None if self.probability_ai is None else round(self.probability_ai, 4)
            ),
            "verdict": self.verdict,
            "note": self.note,
            "latency_ms": round(self.latency_ms, 1),
            "analysis_ms": round(self.analysis_ms, 1),
            "details": self.details,
        }
