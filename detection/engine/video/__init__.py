"""Video detectors (declared here; implemented lazily). Uploads are checked by .validate."""

from __future__ import annotations

from ..registry import DetectorSpec

SPECS: list[DetectorSpec] = [
    DetectorSpec(
        name="video.frames",
        modality="video",
        impl="detection.engine.video.detector:VideoFramesDetector",
        description="Sampled frames and face crops scored by the image heads over time, "
        "fused with the soundtrack's audio verdict",
        default=True,
        probe="detection.engine.video.detector:probe",
    ),
    DetectorSpec(
        name="video.live_frame",
        modality="video",
        impl="detection.engine.video.live_frame:LiveFrameDetector",
        description="one live camera frame: whole frame and faces by video.frames's heads",
        probe="detection.engine.video.detector:probe",
    ),
]
