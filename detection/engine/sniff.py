"""Tell the content type and modality of an upload from its bytes, not its name."""

from __future__ import annotations

from dataclasses import dataclass

from .result import Modality


@dataclass(frozen=True)
class Sniffed:
    content_type: str
    modality: Modality


_FTYP_AUDIO = {b"M4A ", b"M4B ", b"F4A "}
_FTYP_IMAGE = {b"avif", b"avis", b"heic", b"heix", b"mif1", b"msf1"}


def sniff(head: bytes) -> Sniffed | None:
    """Identify a file from its first bytes (>= 64 recommended); None if not recognised."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", "image")
    if head.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", "image")
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return Sniffed("image/gif", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return Sniffed("image/webp", "image")
    if head.startswith(b"BM") and len(head) >= 26:
        return Sniffed("image/bmp", "image")
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return Sniffed("image/tiff", "image")
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return Sniffed("audio/wav", "audio")
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        return Sniffed("video/x-msvideo", "video")
    if head.startswith(b"fLaC"):
        return Sniffed("audio/flac", "audio")
    if head.startswith(b"OggS"):
        return Sniffed("audio/ogg", "audio")
    if head.startswith(b"ID3") or _is_mpeg_audio_frame(head):
        return Sniffed("audio/mpeg", "audio")
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _FTYP_AUDIO:
            return Sniffed("audio/mp4", "audio")
        if brand in _FTYP_IMAGE:
            return Sniffed(f"image/{brand.decode().strip()}", "image")
        if brand == b"qt  ":
            return Sniffed("video/quicktime", "video")
        return Sniffed("video/mp4", "video")
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        # Matroska/WebM: audio-only and video files share the container; the video
        # pipeline hands a track-less-video file to the audio detector.
        kind = "webm" if b"webm" in head[:64] else "x-matroska"
        return Sniffed(f"video/{kind}", "video")
    if head.startswith(b"YUV4MPEG2"):
        return Sniffed("video/x-yuv4mpeg", "video")
    return None


def _is_mpeg_audio_frame(head: bytes) -> bool:
    """An MPEG audio frame header with no reserved or "free"/"bad" fields.

    A bare 11-bit sync check also matches a UTF-16 byte-order mark and random bytes.
    """
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer != 0 and bitrate not in (0, 15) and rate != 0b11


def looks_like_text(data: bytes) -> bool:
    """UTF-8 without NUL bytes: what a text upload must be."""
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
