"""What a post request becomes before anything is stored: its validated parts, caption and
the parts left out (shared by form/JSON intake and URL intake)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from detection.validation import InputError, validate_text

from .models import PartRole
from .services import PartInput


@dataclass
class BuiltPost:
    parts: list[PartInput]
    caption: str = ""
    title: str = ""
    fetched: dict[str, Any] = field(default_factory=dict)
    # Parts left out with the reason (a caption too short to judge is kept as the post's
    # caption for the cross-modal checks, but gets no verdict of its own).
    skipped: list[dict[str, Any]] = field(default_factory=list)


def caption_part(caption: str, skipped: list[dict[str, Any]]) -> PartInput | None:
    """The caption as a text part, or None (recorded in ``skipped``) when it is too short or
    otherwise unfit to judge on its own: a post's caption is often a few words."""
    if not caption.strip():
        return None
    try:
        validated = validate_text(caption)
    except InputError as exc:
        if exc.code != "text_rejected":
            raise InputError(f"caption: {exc.message}", code=exc.code, status=exc.status) from exc
        skipped.append({"role": PartRole.CAPTION, "reason": exc.message})
        return None
    return PartInput(role=PartRole.CAPTION, validated=validated, name="caption")
