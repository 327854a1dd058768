"""Input checks that run in the web process before a job is queued (torch-free).

Every failure raises InputError with a message meant for the user; the API maps it to a
4xx JSON error. Deep decoding (does the video really play?) is left to each modality's
cheap ``validate_upload`` here and to the worker, which fails the job with the reason.
"""

from __future__ import annotations

import hashlib
import importlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from detection.engine import registry
from detection.engine.errors import InputRejected, ModelUnavailable
from detection.engine.sniff import looks_like_text, sniff


class InputError(Exception):
    def __init__(self, message: str, *, code: str = "invalid_input", status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status


@dataclass
class ValidatedInput:
    modality: str
    content_type: str
    sha256: str
    size_bytes: int
    text: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


def _require_modality(modality: str) -> None:
    if modality not in registry.supported_modalities():
        raise InputError(
            f"{modality} detection is not available on this server",
            code="unsupported_modality",
            status=415,
        )


# The one rule for a text's length, shared with the upload page's counter
# (static/js/lib/textlength.js): characters are Unicode code points, counted after line
# breaks are normalised (CRLF and CR -> LF). A browser's form encoding turns every LF into
# CRLF, and JavaScript counts UTF-16 units: counting raw input would refuse a text the
# counter accepted.
TEXT_LENGTH_RULE = "Unicode characters, with each line break counted once"


def text_length(text: str) -> int:
    return len(text.replace("\r\n", "\n").replace("\r", "\n"))


def validate_text(text: Any) -> ValidatedInput:
    if not isinstance(text, str):
        raise InputError("'text' must be a string")
    if "\x00" in text:
        raise InputError("text contains NUL characters")
    limit = settings.DETECTION_MAX_TEXT_CHARS
    length = text_length(text)
    if length > limit:
        raise InputError(
            f"text is {length:,} characters; the limit is {limit:,}",
            code="too_large",
            status=413,
        )
    _require_modality("text")
    from detection.engine.text.limits import check_text

    try:
        cleaned = check_text(text)
    except InputRejected as exc:
        raise InputError(str(exc), code="text_rejected") from exc
    data = cleaned.encode("utf-8")
    return ValidatedInput(
        modality="text",
        content_type="text/plain; charset=utf-8",
        sha256=hashlib.sha256(data).hexdigest(),
        size_bytes=len(data),
        text=cleaned,
        meta={"characters": len(cleaned), "words": len(cleaned.split())},
    )


def _hash_and_size(fh: IO[bytes]) -> tuple[str, int, bytes]:
    digest, size, head = hashlib.sha256(), 0, b""
    fh.seek(0)
    while block := fh.read(1 << 20):
        if not head:
            head = block[:4096]
        digest.update(block)
        size += len(block)
    fh.seek(0)
    return digest.hexdigest(), size, head


def _modality_validator(modality: str) -> Callable[[Path], dict[str, Any]] | None:
    try:
        module = importlib.import_module(f"detection.engine.{modality}.validate")
    except ModuleNotFoundError:
        return None
    validator: Callable[[Path], dict[str, Any]] = module.validate_upload
    return validator


def validate_upload(fh: IO[bytes], name: str, declared_size: int | None) -> ValidatedInput:
    limit = settings.DETECTION_MAX_UPLOAD_BYTES
    if declared_size is not None and declared_size > limit:
        raise InputError(
            f"file is {declared_size:,} bytes; the limit is {limit:,}", code="too_large", status=413
        )
    sha256, size, head = _hash_and_size(fh)
    if size == 0:
        raise InputError("the file is empty", code="empty_file")
    if size > limit:
        raise InputError(
            f"file is {size:,} bytes; the limit is {limit:,}", code="too_large", status=413
        )
    sniffed = sniff(head)
    if sniffed is None:
        fh.seek(0)
        data = fh.read(settings.DETECTION_MAX_TEXT_CHARS * 4 + 1)
        fh.seek(0)
        if looks_like_text(data):
            return validate_text(data.decode("utf-8"))
        raise InputError(
            "unsupported file type: expected text, an image, audio or video "
            "(the type is read from the file's bytes, not its name)",
            code="unsupported_media_type",
            status=415,
        )
    _require_modality(sniffed.modality)
    meta: dict[str, Any] = {}
    validator = _modality_validator(sniffed.modality)
    if validator is not None:
        meta = _run_validator(validator, fh)
    return ValidatedInput(
        modality=sniffed.modality,
        content_type=sniffed.content_type,
        sha256=sha256,
        size_bytes=size,
        meta=meta,
    )


def _run_validator(validator: Callable[[Path], dict[str, Any]], fh: IO[bytes]) -> dict[str, Any]:
    # Validators read a path (Pillow, soundfile and OpenCV all want one); uploads held in
    # memory are spilled to a temporary file first.
    path = getattr(fh, "temporary_file_path", None)
    try:
        if path is not None:
            return validator(Path(path()))
        with tempfile.NamedTemporaryFile() as tmp:
            fh.seek(0)
            while block := fh.read(1 << 20):
                tmp.write(block)
            tmp.flush()
            fh.seek(0)
            return validator(Path(tmp.name))
    except InputRejected as exc:
        raise InputError(str(exc), code="invalid_media") from exc
    except ModelUnavailable as exc:
        raise InputError(str(exc), code="unsupported_modality", status=415) from exc
