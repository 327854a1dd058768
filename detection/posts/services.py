"""Writes for posts: create one (a detection per part), refresh its fused outcome from the
parts, delete it whole."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import IO, Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone

from detection.models import Detection, Source
from detection.services import detection_create, detection_delete
from detection.validation import InputError, ValidatedInput

from . import fusion
from .models import Post, PostPart

logger = logging.getLogger(__name__)
SPEECH_MODALITIES = ("audio", "video")
SPEECH_FIELDS = ("outcome", "reason", "similarity", "caption_words_heard", "shared_words", "rule")


@dataclass
class PartInput:
    """One validated part, ready to become a detection."""

    role: str
    validated: ValidatedInput
    upload: IO[bytes] | None = None
    name: str = ""
    source_url: str = ""


@transaction.atomic
def post_create(
    *,
    owner: AbstractBaseUser,
    parts: list[PartInput],
    caption: str = "",
    title: str = "",
    source: str = Source.API,
    client_address: str | None = None,
    fetched: dict[str, Any] | None = None,
    skipped: list[dict[str, Any]] | None = None,
) -> Post:
    """Store the post and one detection per part, all in one transaction: the parts are
    queued on the ordinary path (``detection_create``) once it commits, never before."""
    if not parts:
        raise InputError("a post needs at least one part that can be checked", code="empty_post")
    fetched = fetched or {}
    post = Post.objects.create(
        owner=owner,  # type: ignore[misc]  # AUTH_USER_MODEL is User
        source=source,
        caption=caption,
        title=title[:500],
        client_address=client_address,
        source_url=fetched.get("url", ""),
        final_url=fetched.get("final_url", ""),
        final_address=fetched.get("address"),
        evidence={"skipped": skipped or []},
    )
    for index, part in enumerate(parts):
        # Speech is compared with the caption on the worker that analyses the part
        # (engine/fusion/speech_text, read back by speech_checks below).
        speech = part.validated.modality in SPEECH_MODALITIES and caption.strip()
        detection = detection_create(
            owner=owner,
            validated=part.validated,
            source=source,
            upload=part.upload,
            original_name=part.name,
            client_address=client_address,
            options={"caption": caption} if speech else None,
        )
        PostPart.objects.create(
            post=post,
            detection=detection,
            index=index,
            role=part.role,
            name=part.name[:255],
            source_url=part.source_url,
        )
    post_refresh(post=post, publish_update=False)
    return post


def part_outcomes(post: Post) -> list[fusion.PartOutcome]:
    rows = post.parts.select_related("detection").order_by("index")
    return [
        fusion.PartOutcome(
            index=row.index,
            role=row.role,
            modality=row.detection.modality,
            status=row.detection.status,
            verdict=row.detection.verdict,
            probability_ai=row.detection.probability_ai,
            name=row.name,
            error=row.detection.error_message,
        )
        for row in rows
    ]


def speech_checks(post: Post) -> list[dict[str, Any]]:
    """Each audio or video part's speech-against-caption result, with its transcript."""
    checks = []
    for row in post.parts.select_related("detection").order_by("index"):
        found = (row.detection.evidence or {}).get("speech_vs_caption")
        if isinstance(found, dict):
            transcript = found.get("transcript") or {}
            checks.append(
                {
                    "part": row.index,
                    **{k: found.get(k) for k in SPEECH_FIELDS},
                    "transcript": transcript.get("text", ""),
                    "language": transcript.get("language", ""),
                }
            )
    return checks


def post_refresh(*, post: Post, publish_update: bool = True) -> Post:
    """Derive the post's status and fused outcome from its parts and store them. Called
    whenever a part's row changes, and on every read of an unfinished post, so a post can
    only be where its parts are (they have leases and the sweep; the post has nothing to
    get stuck on)."""
    with transaction.atomic():
        locked = Post.objects.select_for_update().filter(pk=post.pk).first()
        if locked is None:
            return post
        fused = fusion.fuse(part_outcomes(locked))
        skipped = (locked.evidence or {}).get("skipped", [])
        evidence = {
            **fused.evidence,
            "skipped": skipped,
            "speech_vs_caption": speech_checks(locked),
        }
        changed = (
            locked.status != fused.status
            or locked.verdict != fused.verdict
            or locked.probability_ai != fused.probability_ai
            or locked.evidence != evidence
        )
        if changed:
            locked.status = fused.status
            locked.verdict = fused.verdict
            locked.probability_ai = fused.probability_ai
            locked.evidence = evidence
            locked.finished_at = timezone.now() if locked.is_finished else None
            locked.save(
                update_fields=["status", "verdict", "probability_ai", "evidence", "finished_at"]
            )
    if changed and publish_update:
        from .publish import publish_post

        transaction.on_commit(lambda: publish_post(locked))
    return locked


@transaction.atomic
def post_delete(*, post: Post) -> None:
    """The post and every part's detection (and stored file) go together."""
    detections = Detection.objects.filter(post_part__post=post)
    for detection in list(detections):
        detection_delete(detection=detection)
    post.delete()
