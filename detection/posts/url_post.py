"""A post from a URL: the server fetches the page (``intake.url``, SSRF-safe) and makes its
media and text the post's parts. A URL that is itself media becomes a one-part post.

The page's own fetch must succeed (a refused address or a failed fetch is the request's
4xx). A media URL found on the page that cannot be fetched or is not media is left out,
with the reason in the post's ``evidence.skipped``.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings

from detection.intake.conf import value
from detection.intake.page import looks_like_html, read_page
from detection.intake.url import Fetched, fetch
from detection.validation import InputError, validate_text, validate_upload

from .built import BuiltPost, caption_part
from .conf import limit
from .models import PartRole
from .services import PartInput


def _fetched_meta(fetched: Fetched) -> dict[str, Any]:
    return {"fetched_url": fetched.url, "final_url": fetched.final_url, "address": fetched.address}


def media_part(fetched: Fetched, role: str) -> PartInput:
    """Validate fetched bytes exactly as an upload (type sniffed from the bytes)."""
    name = urlsplit(fetched.final_url).path.rsplit("/", 1)[-1] or "download"
    handle = io.BytesIO(fetched.body)
    handle.name = name
    validated = validate_upload(handle, name, len(fetched.body))
    validated.meta = {**validated.meta, **_fetched_meta(fetched)}
    return PartInput(
        role=role, validated=validated, upload=handle, name=name[:255], source_url=fetched.url
    )


def post_from_url(url: str, *, caption: str = "") -> BuiltPost:
    max_file = int(settings.DETECTION_MAX_UPLOAD_BYTES)
    page = fetch(url, max_bytes=max(int(value("URL_FETCH_MAX_PAGE_BYTES")), max_file))
    fetched = {"url": url, "final_url": page.final_url, "address": page.address}
    built = BuiltPost(parts=[], fetched=fetched)
    if not looks_like_html(page.content_type, page.body):
        built.caption = caption
        first = caption_part(caption, built.skipped)
        built.parts = [first] if first else []
        built.parts.append(media_part(page, PartRole.FILE))
        return built
    if len(page.body) > int(value("URL_FETCH_MAX_PAGE_BYTES")):
        raise InputError(
            f"the page is larger than {int(value('URL_FETCH_MAX_PAGE_BYTES')):,} bytes",
            code="too_large",
            status=413,
        )
    charset = "utf-8"
    if "charset=" in page.content_type:
        charset = page.content_type.split("charset=", 1)[1].split(";")[0].strip() or "utf-8"
    try:
        html = page.body.decode(charset, "replace")
    except LookupError:
        html = page.body.decode("utf-8", "replace")
    most = limit("POST_MAX_PARTS")
    found = read_page(html, page.final_url, max_media=most)
    built.title = found.title
    built.caption = caption or found.description or found.title
    first = caption_part(built.caption, built.skipped)
    if first is not None:
        built.parts.append(first)
    if found.article and found.article != built.caption:
        try:
            article = validate_text(found.article[: int(settings.DETECTION_MAX_TEXT_CHARS)])
            built.parts.append(PartInput(role=PartRole.TEXT, validated=article, name="article"))
        except InputError as exc:
            built.skipped.append({"role": PartRole.TEXT, "reason": exc.message})
    budget = limit("POST_MAX_TOTAL_BYTES")
    for kind, media_url in found.media:
        if len(built.parts) >= most:
            built.skipped.append({"url": media_url, "reason": f"the post has {most} parts"})
            continue
        try:
            media = fetch(media_url, max_bytes=min(max_file, budget))
            part = media_part(media, PartRole.MEDIA_URL)
        except InputError as exc:
            built.skipped.append({"url": media_url, "kind": kind, "reason": exc.message})
            continue
        budget -= len(media.body)
        built.parts.append(part)
    return built


def single_from_url(url: str) -> PartInput:
    """``{"url": ...}`` on /api/v1/detections/: the URL must be one piece of media or text."""
    fetched = fetch(url, max_bytes=int(settings.DETECTION_MAX_UPLOAD_BYTES))
    if looks_like_html(fetched.content_type, fetched.body):
        raise InputError(
            "the URL is a web page; send it to /api/v1/posts/ to check its media and text",
            code="url_is_page",
        )
    return media_part(fetched, PartRole.FILE)
