"""Cheap, torch-free checks of an uploaded image (the web process calls this after upload).

Also the one place that opens images for the detectors (:func:`open_image`), so the limits
below apply the same way at upload time and in the worker:

- decompression bombs: Pillow's ``MAX_IMAGE_PIXELS`` is set deliberately to
  ``DETECTION_IMAGE_MAX_PIXELS`` (default 50 MP) and the header's size is checked before
  any pixel is decoded;
- images smaller than ``DETECTION_IMAGE_MIN_SIDE`` (default 64 px) on their short side;
- corrupt or truncated files (the pixel data is decoded, at 1/8 scale for JPEG);
- bytes that are not an image, or an image format other than the one the name says;
- animated images (the first frame is analysed, and the result says so); one with more
  than ``DETECTION_IMAGE_MAX_FRAMES`` frames (default 1,000) is refused, and frames are
  counted no further than that (Pillow's ``n_frames`` walks every frame: a 15 MB GIF of a
  million 1x1 frames took seconds to count).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from .. import settings
from ..errors import InputRejected
from ..sniff import sniff

# Extensions a user's file name may carry, and the sniffed content type each one means.
_EXTENSIONS = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".jpe": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".bmp": "image/bmp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
}
_FORMATS = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "MPO": "image/jpeg",
    "GIF": "image/gif",
    "WEBP": "image/webp",
    "BMP": "image/bmp",
    "TIFF": "image/tiff",
}


def max_pixels() -> int:
    return settings.current().image.max_pixels


def min_side() -> int:
    return settings.current().image.min_side


def max_frames() -> int:
    return settings.current().image.max_frames


def _frame_count(img: Image.Image) -> int:
    """The number of frames, looking at no more than ``max_frames() + 1`` of them."""
    if not getattr(img, "is_animated", False):  # reads at most the second frame's header
        return 1
    limit = max_frames()
    try:
        img.seek(limit)  # frame number `limit` exists: there are more than `limit`
    except EOFError:
        frames = int(getattr(img, "n_frames", 1) or 1)  # now known to be <= limit
        img.seek(0)
        return frames
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputRejected(f"the animation is corrupt ({exc})") from exc
    img.close()
    raise InputRejected(
        f"the image has more than {limit:,} frames (the limit is {limit:,}); only the first "
        "frame is analysed, so send that frame as a still image"
    )


@dataclass
class OpenedImage:
    """An image decoded to 8-bit RGB, with what had to be done to get there."""

    image: Image.Image
    format: str
    width: int
    height: int
    mode: str  # the file's own mode before conversion (e.g. CMYK, I;16, RGBA)
    frames: int = 1
    notes: list[str] = field(default_factory=list)
    decode_scale: float = 1.0  # < 1 when a JPEG was decoded at a reduced DCT scale

    @property
    def size(self) -> tuple[int, int]:
        """The upload's own (oriented) size, whatever scale the pixels were decoded at."""
        return self.width, self.height


def _check_name(path: Path, content_type: str) -> None:
    expected = _EXTENSIONS.get(path.suffix.lower())
    if expected is not None and expected != content_type:
        raise InputRejected(
            f"{path.name!r} is named as {expected.split('/')[1].upper()} but its bytes are "
            f"{content_type.split('/')[1].upper()}; save it again in the format its name says"
        )


def _open_lazily(path: Path) -> tuple[Image.Image, str]:
    """Open the header only, rejecting non-images, mismatched names and oversize images."""
    try:
        head = path.open("rb").read(4096)
    except OSError as exc:
        raise InputRejected(f"cannot read the uploaded file: {exc.strerror}") from exc
    if not head:
        raise InputRejected("the uploaded image is empty (0 bytes)")
    sniffed = sniff(head)
    if sniffed is None or sniffed.modality != "image":
        what = (
            f"{_article(sniffed.modality)} {sniffed.modality} file"
            if sniffed
            else "not a recognised image format"
        )
        raise InputRejected(f"{path.name!r} is not an image: its bytes are {what}")
    _check_name(path, sniffed.content_type)
    limit = max_pixels()
    # Pillow refuses > 2x this on its own; we reject anything above it ourselves below.
    Image.MAX_IMAGE_PIXELS = limit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise InputRejected(
            f"image is too large to analyse safely (limit {limit / 1e6:.0f} megapixels)"
        ) from exc
    except UnidentifiedImageError as exc:
        raise InputRejected(
            f"the {sniffed.content_type} file is corrupt: its header cannot be read"
        ) from exc
    except OSError as exc:
        raise InputRejected(f"the image cannot be opened: {exc}") from exc
    width, height = img.size
    if width * height > limit:
        img.close()
        raise InputRejected(
            f"image is {width}x{height} ({width * height / 1e6:.1f} megapixels); the limit is "
            f"{limit / 1e6:.0f} megapixels"
        )
    if min(width, height) < min_side():
        img.close()
        raise InputRejected(
            f"image is {width}x{height}; the detectors need at least {min_side()} pixels on "
            "the short side"
        )
    fmt = img.format or sniffed.content_type
    if fmt in _FORMATS and _FORMATS[fmt] != sniffed.content_type:
        img.close()
        raise InputRejected("the image's bytes disagree with its own header")
    return img, fmt


def _decode(img: Image.Image, *, draft: bool) -> None:
    try:
        if draft and img.format == "JPEG":
            # Decoding at 1/8 scale still reads every entropy-coded byte (so truncation is
            # caught) at a fraction of the cost of a full decode.
            img.draft("RGB", (max(1, img.width // 8), max(1, img.height // 8)))
        img.load()
    except (OSError, SyntaxError, ValueError) as exc:
        raise InputRejected(f"the image is corrupt or truncated ({exc})") from exc


def validate_upload(path: Path) -> dict[str, object]:
    """Decode-check an uploaded image; return its metadata or raise InputRejected."""
    img, fmt = _open_lazily(Path(path))
    with img:
        frames = _frame_count(img)
        meta: dict[str, object] = {
            "format": fmt,
            "width": img.width,
            "height": img.height,
            "mode": img.mode,
            "frames": frames,
            "animated": frames > 1 and fmt != "MPO",
        }
        _decode(img, draft=True)
    return meta


def _to_rgb(img: Image.Image, notes: list[str]) -> Image.Image:
    mode = img.mode
    if mode in ("I;16", "I;16B", "I;16L", "I;16N", "I"):
        # 16-bit greyscale: scale the full range down; convert("L") would clip at 255.
        import numpy as np

        arr = np.asarray(img, dtype=np.float64)
        top = 65535.0 if arr.max() > 255 else 255.0
        img = Image.fromarray((arr / top * 255.0).round().clip(0, 255).astype("uint8"))
        notes.append(f"converted {mode} (16-bit) to 8-bit")
    elif mode == "F":
        import numpy as np

        arr = np.asarray(img, dtype=np.float64)
        span = float(arr.max() - arr.min()) or 1.0
        img = Image.fromarray(((arr - arr.min()) / span * 255.0).astype("uint8"))
        notes.append("converted floating-point pixels to 8-bit")
    if img.mode == "P" and "transparency" in img.info:
        img = img.convert("RGBA")
    if img.mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        # Flatten onto white, as a viewer would show it on a page.
        rgba = img.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(background, rgba)
        notes.append("alpha channel flattened onto white")
    if mode == "CMYK":
        notes.append("converted CMYK to RGB")
    if img.mode != "RGB":
        img = img.convert("RGB")
    return img


def open_image(path: Path, reduce_to: int | None = None) -> OpenedImage:
    """Open, check and decode an image to 8-bit RGB (first frame of an animation).

    With ``reduce_to``, a JPEG at least twice that size on its short side is decoded at
    the smallest DCT scale (1/2, 1/4, 1/8) that keeps its short side at ``reduce_to`` or
    more: most of a 12-megapixel decode is skipped for detectors that look at a small copy.
    ``width`` / ``height`` stay the upload's own size.
    """
    img, fmt = _open_lazily(Path(path))
    notes: list[str] = []
    file_width = img.width
    with img:
        frames = _frame_count(img)  # before draft(): counting seeks, which resets it
        if reduce_to and img.format == "JPEG" and min(img.size) >= 2 * reduce_to:
            scale = reduce_to / min(img.size)
            img.draft("RGB", (math.ceil(img.width * scale), math.ceil(img.height * scale)))
        if frames > 1:
            img.seek(0)
            if fmt == "MPO":  # a camera's multi-picture JPEG: frame 0 is the photo itself
                notes.append("multi-picture JPEG: the primary image was analysed")
            else:
                notes.append(f"animated image with {frames} frames: only the first was analysed")
        _decode(img, draft=False)
        ratio = img.width / file_width
        original_mode = img.mode
        try:
            oriented = ImageOps.exif_transpose(img) or img
        except (OSError, ValueError, SyntaxError):
            oriented = img  # a broken orientation tag is no reason to refuse the pixels
        rgb = _to_rgb(oriented, notes)
        rgb.load()
        return OpenedImage(
            image=rgb.copy() if rgb is img else rgb,
            format=fmt,
            width=round(rgb.width / ratio),
            height=round(rgb.height / ratio),
            mode=original_mode,
            frames=frames,
            notes=notes,
            decode_scale=ratio,
        )


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"
