"""``fusion.multimodal``: a video's visual and audio verdicts fused into one."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..base import DetectorInput, Progress
from ..result import DetectionResult
from ..video.detector import VideoFramesDetector
from .soundtrack import with_soundtrack


class MultimodalFusion:
    name = "fusion.multimodal"
    modality = "video"

    def __init__(self) -> None:
        self.visual: VideoFramesDetector | None = None

    def load(self) -> None:
        # Its own frames detector (not the registry's): load() runs under the registry lock.
        visual = VideoFramesDetector()
        visual.load()
        self.visual = visual

    def detect(
        self,
        content: DetectorInput,
        *,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult:
        assert self.visual is not None, "load() first"
        path = Path(content)
        visual = self.visual.analyse_visual(path, dict(options or {}), progress)
        return with_soundtrack(path, visual, options or {}, detector_name=self.name)
