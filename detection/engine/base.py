"""The shape every detector has: one class with ``load()`` and ``detect()``."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from .result import DetectionResult, Modality

# Text detectors take ``str``; image, audio and video detectors take a path on local disk
# (OpenCV, librosa and the ONNX runtimes all read files, and the worker has the upload there).
DetectorInput = str | Path

# progress(fraction in [0, 1], short message) lets a long job report how far it is.
Progress = Callable[[float, str], None]


@runtime_checkable
class Detector(Protocol):
    name: str
    modality: Modality

    def load(self) -> None:
        """Load weights; called once per process before the first detect()."""

    def detect(
        self,
        content: DetectorInput,
        *,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult: ...


@runtime_checkable
class BatchDetector(Detector, Protocol):
    def detect_batch(
        self, contents: Sequence[DetectorInput], *, options: Mapping[str, Any] | None = None
    ) -> list[DetectionResult]: ...


class DetectViaBatch:
    """For detectors whose real work is ``detect_batch``: one input is a batch of one."""

    def detect_batch(
        self, contents: Sequence[DetectorInput], *, options: Mapping[str, Any] | None = None
    ) -> list[DetectionResult]:
        raise NotImplementedError

    def detect(
        self,
        content: DetectorInput,
        *,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult:
        return self.detect_batch([content], options=options)[0]
