"""Rows made directly, for tests about access and listing that need no detector run."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import User

from detection.models import Detection


def make_detection(owner: User, **fields: Any) -> Detection:
    text = fields.pop("input_text", "some stored text")
    defaults: dict[str, Any] = {
        "modality": "text",
        "status": "completed",
        "verdict": "human",
        "probability_ai": 0.1,
        "sha256": hashlib.sha256(text.encode()).hexdigest(),
        "size_bytes": len(text),
        "content_type": "text/plain",
        "input_text": text,
    }
    defaults.update(fields)
    return Detection.objects.create(owner=owner, **defaults)
