"""Image detectors: provenance, a trained CLIP head, a patch-token head, and their ensemble.

Declared here without importing anything heavy; the registry imports a detector's module
on first use. Uploads are checked by :mod:`.validate` (Pillow only).
"""

from __future__ import annotations

from ..registry import DetectorSpec

SPECS: list[DetectorSpec] = [
    DetectorSpec(
        name="image.ensemble",
        modality="image",
        impl="detection.engine.image.ensemble:ImageEnsemble",
        description="Provenance (C2PA, metadata, SD watermark) + CLIP head + patch heatmap, voted",
        default=True,
        probe="detection.engine.image.ensemble:probe",
    ),
    DetectorSpec(
        name="image.clip",
        modality="image",
        impl="detection.engine.image.learned:ClipHeadDetector",
        description="Head trained on CLIP ViT-B/16 embeddings of canonically re-encoded crops",
        probe="detection.engine.image.learned:probe",
    ),
    DetectorSpec(
        name="image.patch",
        modality="image",
        impl="detection.engine.image.patches:PatchTokenDetector",
        description="Every 16 px patch scored by a head on CLIP patch tokens; heatmap evidence",
        probe="detection.engine.image.learned:probe",
    ),
    DetectorSpec(
        name="image.provenance",
        modality="image",
        impl="detection.engine.image.provenance.detector:ProvenanceDetector",
        description="C2PA Content Credentials, generator metadata, Stable Diffusion watermark",
        probe="detection.engine.image.provenance.detector:probe",
    ),
]
