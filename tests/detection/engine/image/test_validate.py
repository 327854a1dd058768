"""Upload checks for images: what is refused, with what message, and what is converted."""

from __future__ import annotations

import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from detection.engine.errors import InputRejected
from detection.engine.image.validate import open_image, validate_upload

from .conftest import SKIMAGE, SKLEARN


def _png_header_only(path: Path, width: int, height: int) -> Path:
    """A PNG whose header claims width x height pixels (no real pixel data behind it)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    path.write_bytes(data)
    return path


def test_real_photo_passes_with_its_metadata() -> None:
    meta = validate_upload(SKLEARN / "china.jpg")
    assert meta["format"] == "JPEG"
    assert (meta["width"], meta["height"]) == (640, 427)
    assert meta["animated"] is False


def test_validation_of_a_typical_photo_is_fast() -> None:
    validate_upload(SKIMAGE / "astronaut.png")  # warm the imports
    start = time.perf_counter()
    validate_upload(SKIMAGE / "astronaut.png")
    assert time.perf_counter() - start < 0.5  # generous on a busy CI box; typical ~10 ms


def test_web_process_imports_stay_torch_and_onnx_free() -> None:
    code = (
        "import sys\n"
        "import detection.engine.image, detection.engine.video, detection.engine.fusion\n"
        "import detection.engine.image.validate, detection.engine.video.validate\n"
        "from detection.engine import registry\n"
        "[registry.probe(s) for s in registry.all_specs().values()]\n"
        "heavy = [m for m in ('torch', 'onnxruntime', 'cv2') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
    )
    root = Path(__file__).resolve().parents[4]
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)


def test_decompression_bomb_is_rejected_before_decoding(tmp_path: Path) -> None:
    bomb = _png_header_only(tmp_path / "bomb.png", 60_000, 60_000)
    with pytest.raises(InputRejected, match=r"too large|megapixels"):
        validate_upload(bomb)


def test_pixel_limit_is_configurable(tmp_path: Path, engine_env: Any) -> None:
    engine_env(DETECTION_IMAGE_MAX_PIXELS="100000")
    with pytest.raises(InputRejected, match="megapixels"):
        validate_upload(SKLEARN / "china.jpg")


def test_truncated_jpeg_is_rejected(tmp_path: Path) -> None:
    data = (SKLEARN / "china.jpg").read_bytes()
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputRejected, match="corrupt or truncated"):
        validate_upload(broken)


def test_corrupt_png_is_rejected(tmp_path: Path) -> None:
    data = bytearray((SKIMAGE / "coffee.png").read_bytes())
    data[200:4000] = b"\x00" * 3800
    broken = tmp_path / "broken.png"
    broken.write_bytes(bytes(data))
    with pytest.raises(InputRejected):
        open_image(broken)


def test_image_smaller_than_the_detectors_minimum_is_rejected(tmp_path: Path) -> None:
    tiny = tmp_path / "tiny.png"
    Image.new("RGB", (40, 300), "white").save(tiny)
    with pytest.raises(InputRejected, match="at least 64 pixels"):
        validate_upload(tiny)


def test_text_file_named_png_is_rejected(tmp_path: Path) -> None:
    fake = tmp_path / "photo.png"
    fake.write_text("hello, this is not an image")
    with pytest.raises(InputRejected, match="not an image"):
        validate_upload(fake)


def test_jpeg_bytes_named_png_are_rejected(tmp_path: Path) -> None:
    renamed = tmp_path / "photo.png"
    renamed.write_bytes((SKLEARN / "china.jpg").read_bytes())
    with pytest.raises(InputRejected, match="named as PNG but its bytes are JPEG"):
        validate_upload(renamed)


def test_empty_file_is_rejected(tmp_path: Path) -> None:
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    with pytest.raises(InputRejected, match="empty"):
        validate_upload(empty)


def test_animated_gif_is_analysed_on_its_first_frame(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (96, 96), c) for c in ("red", "green", "blue")]
    gif = tmp_path / "anim.gif"
    frames[0].save(gif, save_all=True, append_images=frames[1:], duration=100, loop=0)
    assert validate_upload(gif)["animated"] is True
    opened = open_image(gif)
    assert opened.frames == 3
    assert any("first" in note for note in opened.notes)
    assert np.asarray(opened.image)[0, 0].tolist() == [255, 0, 0]


def test_cmyk_sixteen_bit_and_alpha_images_are_converted_to_rgb(tmp_path: Path) -> None:
    cmyk = tmp_path / "cmyk.jpg"
    Image.open(SKLEARN / "flower.jpg").convert("CMYK").save(cmyk)
    grey16 = tmp_path / "grey16.png"
    ramp = (np.arange(128 * 128, dtype=np.uint32).reshape(128, 128) * 4).astype(np.uint16)
    Image.fromarray(ramp).save(grey16)
    rgba = tmp_path / "rgba.png"
    Image.new("RGBA", (100, 100), (255, 0, 0, 0)).save(rgba)
    for path, note in ((cmyk, "CMYK"), (grey16, "16-bit"), (rgba, "alpha")):
        opened = open_image(path)
        assert opened.image.mode == "RGB"
        assert any(note in n for n in opened.notes), opened.notes
    # 16-bit values are scaled, not clipped: the ramp still spans the 8-bit range.
    grey = np.asarray(open_image(grey16).image)[..., 0]
    assert grey.min() == 0 and grey.max() > 200
    # Fully transparent red is flattened onto white.
    assert np.asarray(open_image(rgba).image)[0, 0].tolist() == [255, 255, 255]


def test_the_worker_refuses_an_animation_past_the_frame_limit_too(
    tmp_path: Path, engine_env: Any
) -> None:
    from tests.detection.gif_frames import many_frame_gif

    gif = tmp_path / "frames.gif"
    gif.write_bytes(many_frame_gif(30))
    assert open_image(gif).frames == 30
    engine_env(DETECTION_IMAGE_MAX_FRAMES="20")  # lowered after the upload
    with pytest.raises(InputRejected, match="more than 20 frames"):
        open_image(gif)
