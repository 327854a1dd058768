"""Stored detection rows for testing the result page's drawing code on its own.

These are test inputs, not results: no detector ran. Their evidence follows the shapes the
engine packages write (audio: ``detection/engine/audio/analysis.py`` timeline rows;
image provenance: ``detection/engine/image/provenance``; text sentences:
``detection/engine/text/evidence.py``), plus the shapes the page accepts for image heatmaps
and video frames (those engines are not written yet), plus malformed data that must not break
the page. The scenario tests (test_scenario.py) cover real detections end to end.
"""

from __future__ import annotations

import json
from typing import Any

AUDIO_EVIDENCE: dict[str, Any] = {
    "duration_s": 9.0,
    "speech_s": 7.5,
    "speech_segments": [[0.5, 4.5], [5.0, 8.5]],
    "source": {"format": "FLAC", "codec": "flac", "sample_rate": 16000, "channels": 1},
    "timeline": [
        {"start": 0.0, "end": 0.5, "speech": False, "probability_ai": None},
        {"start": 0.5, "end": 4.54, "speech": True, "probability_ai": 0.21},
        {"start": 2.52, "end": 6.56, "speech": True, "probability_ai": 0.64},
        {"start": 4.54, "end": 8.58, "speech": True, "probability_ai": 0.93},
        {"start": 8.58, "end": 9.0, "speech": False, "probability_ai": None},
    ],
    "voting": {"method": "weighted"},
    "members_disagree": True,
}

# What one ensemble member saw on the same windows.
AASIST_EVIDENCE: dict[str, Any] = {
    **AUDIO_EVIDENCE,
    "timeline": [
        {**row, "probability_ai": p}
        for row, p in zip(AUDIO_EVIDENCE["timeline"], [None, 0.3, 0.7, 0.97, None], strict=True)
    ],
}

C2PA_FINDING: dict[str, Any] = {
    "kind": "c2pa",
    "strength": "conclusive",
    "points_to": "ai",
    "summary": "valid C2PA Content Credentials signed by Example Signer state the image was "
    "created by Example Generator (digital source type trainedAlgorithmicMedia)",
    "details": {
        "claim_generator": "Example Generator 1.0",
        "signer": {"issuer": "Example CA", "common_name": "Example Signer", "time": None},
        "validation_state": "Valid",
        "trusted_signer": False,
        "validation_failures": [],
        "actions": [
            {
                "action": "c2pa.created",
                "digital_source_type": "trainedAlgorithmicMedia",
                "software_agent": "Example Generator",
            },
            {"action": "c2pa.resized", "digital_source_type": None, "software_agent": None},
        ],
    },
}

# As detection/engine/image/patches.py writes it for a 320 x 240 upload: 16 px cells of the
# canonical image are 20 x 20 upload pixels; the last row reaches past the bottom edge, and
# a cell no crop reached is null.
HEATMAP: dict[str, Any] = {
    "grid": [
        [0.1, 0.2, 0.3, 0.2],
        [0.2, 0.8, 0.9, 0.3],
        [0.1, 0.7, 0.95, 0.2],
        [0.05, 0.1, 0.2, None],
    ],
    "rows": 4,
    "cols": 4,
    "cell_size": [80.0, 80.0],
    "image_size": [320, 240],
    "values": "P(AI) of each cell, calibrated for single patches, with the patch cuts",
    "ai_at": 0.9,
    "human_below": 0.2,
}
IMAGE_EVIDENCE: dict[str, Any] = {
    "patch_heatmap": HEATMAP,
    "most_suspicious_patch": {"box": [80, 80, 160, 160], "probability_ai": 0.93},
}

PROVENANCE_EVIDENCE: dict[str, Any] = {
    "informative": True,
    "conclusive": True,
    "findings": [C2PA_FINDING],
    "checked": ["c2pa", "metadata", "watermark"],
    "metadata_fields": {"Software": "Example Generator"},
    "watermark": {
        "checked": True,
        "messages": {"StableDiffusionV1": {"bits": 48, "matched": 25, "chance_probability": 0.5}},
    },
}

TEXT = (
    # The emoji is outside the BMP: the engine's offsets count it as one character, the
    # browser's strings as two.
    "The ferry \U0001f6a2 left the harbour twenty minutes late. Passengers waited on the quay. "
    "In conclusion, punctuality is a multifaceted phenomenon that shapes our lives."
)


def _sentence(text: str, p: float) -> dict[str, Any]:
    # As detection/engine/text/sentence_fusion.py writes them: calibrated per-sentence
    # probabilities on the verdict's scale, offsets into the normalised text.
    start = TEXT.index(text)
    return {"start": start, "end": start + len(text), "text": text, "probability_ai": p}


TEXT_EVIDENCE: dict[str, Any] = {
    "sentences": [
        _sentence("The ferry \U0001f6a2 left the harbour twenty minutes late.", 0.1),
        _sentence("Passengers waited on the quay.", 0.75),
        _sentence(TEXT[TEXT.index("In conclusion") :], 0.995),
    ],
    # The fusion's cuts per length band and the input's facts, as text.ensemble writes them.
    "fusion": {
        "ai_at": 0.999,
        "human_below": 0.6566,
        "by_length": [{"min_words": 0, "ai_at": 0.99, "human_below": 0.3}],
    },
    "input": {"words": 25, "language": {"code": "en"}},
}


def thumbnail_base64() -> str:
    """A small real JPEG, as the video detector inlines its thumbnails."""
    import base64
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((160, 90)).convert("RGB").save(buffer, "JPEG")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


# As detection/engine/video/detector.py writes it (timeline, thumbnails, faces per frame).
VIDEO_EVIDENCE: dict[str, Any] = {
    "video": {"width": 640, "height": 360, "fps": 25.0, "duration": 4.0, "sampled_frames": 8},
    "aggregate": {"suspicious_at": 0.5, "human_below": 0.2, "mean": 0.42},
    "timeline": [
        {
            "timestamp": t / 2,
            "frame": t * 12,
            "reason": "uniform",
            "probability_ai": p,
            "suspicious": p >= 0.5,
            "faces": [[200, 80, 120, 140, p]] if t == 5 else [],
        }
        for t, p in enumerate([0.1, 0.2, 0.15, 0.6, 0.85, 0.9, 0.4, 0.2])
    ],
    "thumbnails": [
        {"timestamp": t / 2, "frame": t * 12, "probability_ai": p, "content_type": "image/jpeg"}
        for t, p in ((5, 0.9), (4, 0.85), (3, 0.6))
    ],
    "provenance_findings": [],
}
# A fused video (detection/engine/fusion/fuse.py): frames look generated, voice real.
FUSION_EVIDENCE: dict[str, Any] = {
    "audio": {"status": "analysed", "seconds": 4.0},
    "provenance_findings": [],
    "fusion": {
        "method": "weighted",
        "members": ["video.visual", "audio.ensemble"],
        "cross_modal_disagreement": True,
        "disagreements": [
            {
                "between": ["video.visual", "audio.ensemble"],
                "probability_gap": 0.7,
                "description": "the frames look AI-made but the voice looks real",
            }
        ],
    },
    "cross_modal_disagreement": True,
}


def _window(modality: str, i: int, p: float | None) -> dict[str, Any]:
    # As detection/live/records.py WindowRecord.to_json writes them.
    step = 0.5 if modality == "video" else 1.5
    return {
        "modality": modality,
        "index": i,
        "start_s": i * step,
        "end_s": i * step + (0.5 if modality == "video" else 2.0),
        "detector": f"{modality}.x",
        "probability_ai": p,
        "verdict": None if p is None else "ai" if p > 0.7 else "human",
        "note": "" if p is not None else "no face",
        "latency_ms": 40.0,
        "analysis_ms": 30.0,
        "details": {},
    }


LIVE_EVIDENCE: dict[str, Any] = {
    "live": {"transport": "webrtc", "stop_reason": "user", "duration_s": 6.0},
    "fusion": {"rule": "mean of window probabilities", "per_modality": {}},
    "video_timeline": [
        _window("video", i, p) for i, p in enumerate([0.2, None, 0.3, 0.8, 0.9, 0.7, 0.4])
    ],
    "audio_timeline": [_window("audio", i, p) for i, p in enumerate([0.1, 0.2, 0.15])],
}

# Wrong types everywhere: the page must still show the verdict and scores.
MALFORMED_EVIDENCE: dict[str, Any] = {
    "sentences": "not a list",
    "heatmap": {"grid": [[1, "x"], [None]]},
    "timeline": [None, 3, {"start": "soon"}, {"start": 1, "end": 2}],
    "frames": {"unexpected": True},
    "findings": [None, {"kind": 5}, "text"],
    "watermark": [],
    "something_new": {"deep": [1, 2, {"x": None}]},
}


def member(detector: str, modality: str, p: float, evidence: dict[str, Any]) -> dict[str, Any]:
    verdict = "ai" if p >= 0.7 else "human" if p <= 0.3 else "uncertain"
    return {
        "modality": modality,
        "detector": detector,
        "verdict": verdict,
        "probability_ai": p,
        "raw_score": p * 4 - 2,
        "threshold": 0.8,
        "models": [],
        "elapsed_ms": 12.0,
        "evidence": evidence,
        "members": [],
        "warnings": [],
    }


def rows() -> list[dict[str, Any]]:
    """Row fields by name: what the management shell stores for the test user."""
    thumb = thumbnail_base64()
    video_evidence = {
        **VIDEO_EVIDENCE,
        "thumbnails": [{**t, "base64": thumb} for t in VIDEO_EVIDENCE["thumbnails"]],
    }
    return [
        {
            "name": "stored-audio.flac",
            "modality": "audio",
            "verdict": "ai",
            "p": 0.88,
            "detector": "audio.ensemble",
            "evidence": AUDIO_EVIDENCE,
            "members": [
                member("audio.aasist", "audio", 0.91, AASIST_EVIDENCE),
                member("audio.whisper_head", "audio", 0.47, {}),
            ],
            "content_type": "audio/wav",
        },
        {
            "name": "stored-image.png",
            "modality": "image",
            "verdict": "ai",
            "p": 0.97,
            "detector": "image.ensemble",
            "members": [
                member("image.provenance", "image", 0.99, PROVENANCE_EVIDENCE),
                member("image.patch", "image", 0.81, IMAGE_EVIDENCE),
            ],
            "evidence": {
                **IMAGE_EVIDENCE,
                "provenance_findings": [C2PA_FINDING],
                "decided_by": "provenance",
            },
            "content_type": "image/png",
        },
        {
            "name": "",
            "modality": "text",
            "verdict": "uncertain",
            "p": 0.55,
            "detector": "text.ensemble",
            "evidence": TEXT_EVIDENCE,
            "members": [],
            "content_type": "text/plain",
            "text": TEXT,
        },
        {
            "name": "stored-video.mp4",
            "modality": "video",
            "verdict": "ai",
            "p": 0.8,
            "detector": "video.frames",
            "evidence": FUSION_EVIDENCE,
            "members": [
                member("video.visual", "video", 0.8, video_evidence),
                member("audio.ensemble", "audio", 0.1, AUDIO_EVIDENCE),
            ],
            "content_type": "video/mp4",
        },
        {
            "name": "",
            "modality": "multimodal",
            "verdict": "uncertain",
            "p": 0.5,
            "detector": "live.fusion",
            "evidence": LIVE_EVIDENCE,
            "members": [
                member("live.video: video.x", "video", 0.6, {"windows": 7, "scored": 6}),
                member("live.audio: audio.x", "audio", 0.15, {"windows": 3, "scored": 3}),
            ],
            "content_type": "application/vnd.aidetect.live-windows+json",
        },
        {
            "name": "malformed.png",
            "modality": "image",
            "verdict": "human",
            "p": 0.1,
            "detector": "image.ensemble",
            "evidence": MALFORMED_EVIDENCE,
            "members": [None, {"detector": 3}, member("x.y", "image", 0.2, MALFORMED_EVIDENCE)],
            "content_type": "image/png",
        },
    ]


SHELL_CODE = """
import hashlib, io, json
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone
from detection.models import Detection
from PIL import Image

user = User.objects.get(username={username!r})
ids = []
for row in json.loads({rows!r}):
    text = row.get("text", "")
    d = Detection(
        owner=user, modality=row["modality"], status="completed", source="web",
        input_text=text, original_name=row["name"],
        sha256=hashlib.sha256((row["name"] + text).encode()).hexdigest(),
        size_bytes=len(text) or 1000, content_type=row["content_type"],
        verdict=row["verdict"], probability_ai=row["p"], detector=row["detector"],
        results={{"raw_score": 1.5, "threshold": 0.9, "members": row["members"]}},
        evidence=row["evidence"], models_used=[{{"id": "stored/row", "revision": "test"}}],
        timings={{"engine_ms": 1234.5, "detector_ms": 1200.0}}, progress=1.0,
        finished_at=timezone.now(),
    )
    if row["content_type"] == "image/png":
        # A gradient as the backdrop under the heatmap.
        img = Image.linear_gradient("L").resize((320, 240)).convert("RGB")
        buf = io.BytesIO(); img.save(buf, "PNG")
        d.input_file.save("upload", ContentFile(buf.getvalue()), save=False)
        d.input_meta = {{"width": 320, "height": 240}}
    if row["content_type"] == "audio/wav":
        # A 9 s tone, so the page has something to play under the timeline.
        import math, struct, wave
        buf = io.BytesIO()
        with wave.open(buf, "wb") as w:
            w.setnchannels(1); w.setsampwidth(2); w.setframerate(8000)
            w.writeframes(b"".join(struct.pack("<h", int(8000 * math.sin(i / 8)))
                                   for i in range(9 * 8000)))
        d.input_file.save("upload", ContentFile(buf.getvalue()), save=False)
    d.save()
    ids.append(str(d.id))
print(json.dumps(ids))
"""


def store_rows(server: Any, username: str) -> list[str]:
    out = server.shell(SHELL_CODE.format(username=username, rows=json.dumps(rows())))
    return list(json.loads(out.strip().splitlines()[-1]))
