"""Decode a video with OpenCV and pick the frames worth analysing.

Frames are taken at a steady rate (``sample_fps``, default 1 per second) and at scene
changes (a cut shows as a large jump in a small grey thumbnail between checks, made
``scene_checks_per_second`` times a second), never more than ``max_frames`` in all and no
closer than ``min_gap_s`` to the previous pick. Only picked and checked frames are
converted; the rest are grabbed (decoded, not copied), which keeps long videos cheap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputRejected

SCENE_THRESHOLD = 28.0  # mean absolute grey-level change of a 32x32 thumbnail


@dataclass(frozen=True)
class SamplingOptions:
    sample_fps: float = 1.0
    scene_checks_per_second: float = 4.0
    max_frames: int = 120
    min_gap_s: float = 0.25


@dataclass
class Frame:
    index: int
    timestamp: float  # seconds
    rgb: np.ndarray  # (H, W, 3) uint8
    reason: str  # "interval" or "scene change"


@dataclass
class VideoInfo:
    fps: float
    frame_count: int
    width: int
    height: int

    @property
    def duration(self) -> float:
        return self.frame_count / self.fps if self.fps else 0.0


def _thumb(bgr: np.ndarray) -> np.ndarray:
    import cv2

    grey = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    return cv2.resize(grey, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)


def open_video(path: Path) -> tuple[Any, VideoInfo]:
    import cv2

    capture = cv2.VideoCapture(str(path))
    if not capture.isOpened():
        raise InputRejected("the video cannot be decoded (unsupported codec or corrupt file)")
    fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
    if not np.isfinite(fps) or fps <= 0 or fps > 1000:
        fps = 25.0  # some containers carry no rate; 25 keeps timestamps plausible
    info = VideoInfo(
        fps=fps,
        frame_count=int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0),
        width=int(capture.get(cv2.CAP_PROP_FRAME_WIDTH) or 0),
        height=int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0),
    )
    return capture, info


def sample_frames(path: Path, options: SamplingOptions) -> tuple[list[Frame], VideoInfo]:
    capture, info = open_video(path)
    try:
        frames = list(_iterate(capture, info, options))
    finally:
        capture.release()
    if not frames:
        raise InputRejected("the video has no frames that can be decoded")
    return frames, info


def _iterate(capture: Any, info: VideoInfo, options: SamplingOptions) -> Iterator[Frame]:
    import cv2

    every = max(1, round(info.fps / max(options.sample_fps, 1e-3)))
    check_every = max(1, round(info.fps / max(options.scene_checks_per_second, 1e-3)))
    min_gap = max(1, round(options.min_gap_s * info.fps))
    previous_thumb: np.ndarray | None = None
    last_pick = -(10**9)
    picked = 0
    index = -1
    while picked < options.max_frames:
        if not capture.grab():
            break
        index += 1
        on_interval = index % every == 0
        on_check = index % check_every == 0
        if not (on_interval or on_check):
            continue
        ok, bgr = capture.retrieve()
        if not ok or bgr is None:
            continue
        reason = "interval" if on_interval else ""
        if on_check:
            thumb = _thumb(bgr)
            if previous_thumb is not None and not on_interval:
                change = float(np.abs(thumb - previous_thumb).mean())
                if change > SCENE_THRESHOLD and index - last_pick >= min_gap:
                    reason = "scene change"
            previous_thumb = thumb
        if reason:
            last_pick = index
            picked += 1
            yield Frame(index, index / info.fps, cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), reason)
