"""Post limits. Read from Django settings when set there (tests override them that way),
else from the environment, so config/settings.py needs no edit for them."""

from __future__ import annotations

from django.conf import settings

from config.env import env_int

DEFAULTS = {
    # Parts per post, the caption and texts included.
    "POST_MAX_PARTS": env_int("POST_MAX_PARTS", 8),
    # All files of one post together; each file also stays under DETECTION_MAX_UPLOAD_BYTES.
    "POST_MAX_TOTAL_BYTES": env_int("POST_MAX_TOTAL_BYTES", 400 * 1024 * 1024),
}


def limit(name: str) -> int:
    return int(getattr(settings, name, DEFAULTS[name]))
