"""Words for stored codes, from the one vocabulary (detection.presentation), which the
pages' scripts read too (``verdict_vocabulary`` writes it into the page)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString

from detection.models import Detection
from detection.presentation import verdict_label as _verdict_label
from detection.presentation import vocabulary
from detection.presentation.rows import reading_of

register = template.Library()


@register.filter
def verdict_label(verdict: str) -> str:
    return _verdict_label(verdict) if verdict else "—"


@register.filter
def reading(detection: Detection) -> dict[str, Any]:
    """The row's reading (shown verdict, label, band), as the result page draws it."""
    return reading_of(detection)


@register.simple_tag
def verdict_vocabulary() -> SafeString:
    return json_script(vocabulary(), "verdict-vocabulary")
