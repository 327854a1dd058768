"""Cheap, torch-free checks of an uploaded video (container probe plus one decoded frame).

Limits (environment, with defaults): ``DETECTION_VIDEO_MAX_PIXELS`` (3840 x 2160, 4K UHD)
per frame, ``DETECTION_VIDEO_MAX_SECONDS`` (1800) of duration, and frames of at least
``DETECTION_IMAGE_MIN_SIDE`` (64) px on the short side, the image detectors' minimum.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import settings
from ..errors import InputRejected
from ..sniff import sniff

_EXTENSIONS = {
    ".mp4": {"video/mp4", "video/quicktime"},
    ".m4v": {"video/mp4", "video/quicktime"},
    ".mov": {"video/quicktime", "video/mp4"},
    ".webm": {"video/webm", "video/x-matroska"},
    ".mkv": {"video/x-matroska", "video/webm"},
    ".avi": {"video/x-msvideo"},
    ".y4m": {"video/x-yuv4mpeg"},
}


def max_pixels() -> int:
    return settings.current().video.max_pixels


def max_seconds() -> float:
    return settings.current().video.max_seconds


def min_side() -> int:
    return settings.current().image.min_side


def _check_bytes(path: Path) -> str:
    try:
        head = path.open("rb").read(4096)
    except OSError as exc:
        raise InputRejected(f"cannot read the uploaded file: {exc.strerror}") from exc
    if not head:
        raise InputRejected("the uploaded video is empty (0 bytes)")
    sniffed = sniff(head)
    if sniffed is None or sniffed.modality != "video":
        what = (
            f"{_article(sniffed.modality)} {sniffed.modality} file"
            if sniffed
            else "not a recognised video container"
        )
        raise InputRejected(f"{path.name!r} is not a video: its bytes are {what}")
    allowed = _EXTENSIONS.get(path.suffix.lower())
    if allowed is not None and sniffed.content_type not in allowed:
        raise InputRejected(
            f"{path.name!r} is named {path.suffix} but its bytes are {sniffed.content_type}; "
            "save it again in the format its name says"
        )
    return sniffed.content_type


def validate_upload(path: Path) -> dict[str, Any]:
    """Probe the container and decode the first frame; return metadata or raise InputRejected."""
    import av

    path = Path(path)
    content_type = _check_bytes(path)
    try:
        container = av.open(str(path))
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise InputRejected(
            f"the video cannot be opened: it is corrupt or truncated ({exc})"
        ) from exc
    with container:
        if not container.streams.video:
            raise InputRejected("the file has no video track")
        stream = container.streams.video[0]
        width, height = stream.codec_context.width, stream.codec_context.height
        if width * height > max_pixels():
            raise InputRejected(
                f"video frames are {width}x{height}; the limit is {max_pixels() / 1e6:.1f} "
                "megapixels per frame"
            )
        if width and height and min(width, height) < min_side():
            raise InputRejected(
                f"video frames are {width}x{height}; at least {min_side()} px on the short "
                "side is needed"
            )
        duration = (
            float(stream.duration * stream.time_base)
            if stream.duration and stream.time_base
            else None
        )
        if duration is None and container.duration:
            duration = container.duration / 1_000_000
        if duration is not None and duration > max_seconds():
            raise InputRejected(
                f"video is {duration:.0f} s long; the limit is {max_seconds():.0f} s"
            )
        fps = float(stream.average_rate) if stream.average_rate else None
        try:
            frame = next(container.decode(stream), None)
        except (av.error.FFmpegError, ValueError) as exc:
            raise InputRejected(f"the video's frames cannot be decoded ({exc})") from exc
        if frame is None:
            raise InputRejected("the video has no frames that can be decoded")
        return {
            "content_type": content_type,
            "width": frame.width,
            "height": frame.height,
            "fps": fps,
            "duration": duration,
            "frames": stream.frames or None,
            "codec": stream.codec_context.name,
            "has_audio": bool(container.streams.audio),
        }


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
