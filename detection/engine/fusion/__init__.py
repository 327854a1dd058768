"""Multimodal fusion: one verdict from several modalities, with their disagreement flagged.

``fusion.multimodal`` analyses a video's frames and its soundtrack and fuses them; the
video default (``video.frames``) uses the same fusion whenever the video has audio.
"""

from __future__ import annotations

from ..registry import DetectorSpec

SPECS: list[DetectorSpec] = [
    DetectorSpec(
        name="fusion.multimodal",
        modality="video",
        impl="detection.engine.fusion.detector:MultimodalFusion",
        description="Frames + soundtrack of a video fused; cross-modal disagreement flagged",
        probe="detection.engine.video.detector:probe",
    ),
]
