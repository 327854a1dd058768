"""Stream an uploaded file back to its owner, with byte ranges so audio and video can seek."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse

from detection.models import Detection

# Only types the browser shows inline (and that were sniffed from the bytes at upload) are
# served as themselves; anything else would be a download.
INLINE_PREFIXES = ("image/", "audio/", "video/")
RANGE_HEADER = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def _byte_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) inclusive for a single satisfiable range, else None."""
    match = RANGE_HEADER.match(header.strip())
    if not match or size == 0:
        return None
    first_s, last_s = match.groups()
    if not first_s and not last_s:
        return None
    if not first_s:  # "bytes=-N": the last N bytes
        first, last = max(size - int(last_s), 0), size - 1
    else:
        first = int(first_s)
        last = min(int(last_s), size - 1) if last_s else size - 1
    if first > last or first >= size:
        return None
    return first, last


def _read(fh: IO[bytes], first: int, length: int) -> Iterator[bytes]:
    try:
        fh.seek(first)
        while length > 0:
            block = fh.read(min(CHUNK, length))
            if not block:
                break
            length -= len(block)
            yield block
    finally:
        fh.close()


def _protect(response: HttpResponse | StreamingHttpResponse) -> None:
    response["X-Content-Type-Options"] = "nosniff"
    # Opened on its own, the file gets no script and no same-origin rights.
    response["Content-Security-Policy"] = "default-src 'none'; media-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    response["Accept-Ranges"] = "bytes"


def media_response(
    request: HttpRequest, detection: Detection
) -> HttpResponse | StreamingHttpResponse:
    content_type = detection.content_type.split(";")[0].strip()
    inline = content_type.startswith(INLINE_PREFIXES)
    if not inline:
        content_type = "application/octet-stream"
    fh = detection.input_file.open("rb")
    size = detection.input_file.size
    wanted = _byte_range(request.headers.get("Range", ""), size)
    if request.headers.get("Range") and wanted is None:
        fh.close()
        refused = HttpResponse(status=416)
        refused["Content-Range"] = f"bytes */{size}"
        return refused
    if wanted is not None:
        first, last = wanted
        partial = StreamingHttpResponse(
            _read(fh, first, last - first + 1), status=206, content_type=content_type
        )
        partial["Content-Length"] = str(last - first + 1)
        partial["Content-Range"] = f"bytes {first}-{last}/{size}"
        _protect(partial)
        return partial
    response = FileResponse(
        fh,
        content_type=content_type,
        as_attachment=not inline,
        filename=detection.original_name or str(detection.pk),
    )
    _protect(response)
    return response
