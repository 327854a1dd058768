"""Reads: the history page's and the API's lists of detections. Every query starts from
the owner's own rows (another user's detection is simply not found)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from detection.models import Detection
from detection.presentation.rows import with_reading_evidence

# A run of hex digits this long is read as (the start of) a SHA-256, not as a word.
SHA256_PREFIX = re.compile(r"^[0-9a-fA-F]{6,64}$")
EXCERPT_CHARS = 90


def detections_owned(user: AbstractBaseUser | AnonymousUser) -> QuerySet[Detection]:
    return Detection.objects.filter(owner=user)  # type: ignore[misc]


def detections_history(
    user: AbstractBaseUser | AnonymousUser, filters: dict[str, Any]
) -> QuerySet[Detection]:
    """The owner's detections narrowed by the history form's cleaned values."""
    queryset = detections_owned(user)
    for name in ("modality", "verdict", "status"):
        if filters.get(name):
            queryset = queryset.filter(**{name: filters[name]})
    if filters.get("date_from"):
        queryset = queryset.filter(created_at__date__gte=filters["date_from"])
    if filters.get("date_to"):
        queryset = queryset.filter(created_at__date__lte=filters["date_to"])
    query = (filters.get("q") or "").strip()
    if query:
        match = Q(original_name__icontains=query) | Q(input_text__icontains=query)
        if SHA256_PREFIX.match(query):
            match |= Q(sha256__startswith=query.lower())
        queryset = queryset.filter(match)
    # The list shows an excerpt of pasted text; the full text and the evidence can be
    # large, so they stay in the database (the verdict's reading needs only the members'
    # calls in `results` and a few small evidence keys).
    queryset = queryset.annotate(excerpt=Substr("input_text", 1, EXCERPT_CHARS)).defer(
        "input_text", "evidence", "models_used", "input_meta", "options"
    )
    return with_reading_evidence(queryset)


def detections_listed(
    user: AbstractBaseUser | AnonymousUser,
    *,
    modality: str = "",
    verdict: str = "",
    status: str = "",
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    queryset: QuerySet[Detection] | None = None,
) -> QuerySet[Detection]:
    """The API's list: the owner's detections narrowed by already validated filters."""
    rows = detections_owned(user) if queryset is None else queryset
    for name, value in (("modality", modality), ("verdict", verdict), ("status", status)):
        if value:
            rows = rows.filter(**{name: value})
    if created_after is not None:
        rows = rows.filter(created_at__gte=created_after)
    if created_before is not None:
        rows = rows.filter(created_at__lte=created_before)
    return rows
