"""Turn a post request (caption, texts, files, or a page URL) into validated parts.

Every part is validated exactly as a single upload is (type from the bytes, per-part
limits), and the post's own limits are checked first: parts per post (POST_MAX_PARTS) and
the files' total size (POST_MAX_TOTAL_BYTES). A bad part rejects the whole post before
anything is stored, with the part's index in the message.
"""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from detection.validation import InputError, ValidatedInput, validate_text, validate_upload

from .built import BuiltPost, caption_part
from .conf import limit
from .models import PartRole
from .services import PartInput


def _list(data: Any, name: str) -> list[Any]:
    if hasattr(data, "getlist"):
        return list(data.getlist(name))
    value = data.get(name, [])
    if not isinstance(value, list):
        raise InputError(f"'{name}' must be a list")
    return value


def check_part_count(count: int) -> None:
    most = limit("POST_MAX_PARTS")
    if count > most:
        raise InputError(
            f"a post holds at most {most} parts; got {count}", code="too_many_parts", status=413
        )


def check_total_bytes(total: int) -> None:
    most = limit("POST_MAX_TOTAL_BYTES")
    if total > most:
        raise InputError(
            f"the post's files total {total:,} bytes; the limit is {most:,}",
            code="too_large",
            status=413,
        )


def _indexed(check: Any, index: int, *args: Any) -> ValidatedInput:
    try:
        result: ValidatedInput = check(*args)
    except InputError as exc:
        raise InputError(f"part {index}: {exc.message}", code=exc.code, status=exc.status) from exc
    return result


def parts_from_request(request: Request) -> BuiltPost:
    data = request.data
    if not hasattr(data, "get"):
        raise InputError("the body must be a JSON object or a multipart form")
    url = data.get("url")
    if url:
        from .url_post import post_from_url

        return post_from_url(str(url), caption=str(data.get("caption") or ""))
    caption = data.get("caption", "")
    if not isinstance(caption, str):
        raise InputError("'caption' must be a string")
    texts = _list(data, "texts")
    files = request.FILES.getlist("files") if hasattr(request.FILES, "getlist") else []
    check_part_count((1 if caption.strip() else 0) + len(texts) + len(files))
    check_total_bytes(sum(int(getattr(f, "size", 0) or 0) for f in files))
    built = BuiltPost(parts=[], caption=caption)
    first = caption_part(caption, built.skipped)
    if first is not None:
        built.parts.append(first)
    for text in texts:
        index = len(built.parts)
        if not isinstance(text, str):
            raise InputError(f"part {index}: texts must be strings")
        built.parts.append(
            PartInput(role=PartRole.TEXT, validated=_indexed(validate_text, index, text))
        )
    for upload in files:
        index = len(built.parts)
        validated = _indexed(validate_upload, index, upload, upload.name, upload.size)
        built.parts.append(
            PartInput(role=PartRole.FILE, validated=validated, upload=upload, name=upload.name)
        )
    if not built.parts:
        reason = built.skipped[0]["reason"] if built.skipped else "nothing was sent"
        raise InputError(
            f"a post needs at least one part that can be checked ('caption', 'texts', "
            f"'files' or 'url'): {reason}",
            code="empty_post",
        )
    return built
