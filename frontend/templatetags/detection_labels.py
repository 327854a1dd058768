"""Words for stored codes, the same the result page's scripts use (static/js/lib/scores.js)."""

from __future__ import annotations

from django import template

register = template.Library()

VERDICT_LABELS = {"ai": "AI-generated", "human": "Not AI", "uncertain": "Uncertain"}


@register.filter
def verdict_label(verdict: str) -> str:
    return VERDICT_LABELS.get(verdict, verdict or "—")
