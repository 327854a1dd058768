"""A GIF of many tiny frames, written byte by byte (Pillow would take seconds to make one)."""

from __future__ import annotations

import struct


def many_frame_gif(frames: int, side: int = 64) -> bytes:
    """A ``side`` x ``side`` canvas with ``frames`` frames of one pixel each (~15 bytes/frame)."""
    header = b"GIF89a" + struct.pack("<HHBBB", side, side, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    # One 1x1 frame: image descriptor, LZW minimum code size 2, codes clear-0-end in 3 bits.
    frame = b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return header + frame * frames + b"\x3b"
