"""Metadata that image generators write: PNG text chunks, EXIF and XMP fields.

None of this is signed (anyone can add or strip it), so a generator's fingerprint here is
"strong" evidence, never conclusive, and its absence means nothing: most platforms strip
metadata on upload. Camera make and model are only a weak hint towards a real photo.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PIL import Image

from . import xmp
from .findings import AI_SOURCE_TYPES, CAPTURE_SOURCE_TYPES, PARTLY_AI_SOURCE_TYPES, Finding

# PNG text keys written by generator front ends, and who writes them.
PNG_KEYS = {
    "parameters": "Stable Diffusion web UI (AUTOMATIC1111 / Forge / SD.Next / Fooocus)",
    "prompt": "ComfyUI",
    "workflow": "ComfyUI",
    "Dream": "InvokeAI",
    "sd-metadata": "InvokeAI",
    "invokeai_metadata": "InvokeAI",
    "fooocus_scheme": "Fooocus",
    "generation_data": "a Stable Diffusion front end",
}
# Generator and AI-editor names as they appear in Software / CreatorTool / Comment fields.
SOFTWARE = re.compile(
    r"stable[\s_-]?diffusion|automatic1111|comfyui|invokeai|novelai|midjourney|dall[\s·-]?e|"
    r"adobe firefly|imagen\b|leonardo\.?ai|nightcafe|dreamstudio|fooocus|\bflux\.?1|sdxl|"
    r"diffusers|craiyon|ideogram|bing image creator|gpt-?4o|playground ?v\d|stylegan",
    re.IGNORECASE,
)
# The AUTOMATIC1111 "infotext": "Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: ..."
INFOTEXT = re.compile(r"Steps:\s*\d+.*Sampler:", re.DOTALL)
# DigitalSourceType in a plain text field (XMP packets are parsed as XML: xmp.py). The
# IPTC URI, when there is one, is skipped, so "http" is never taken for the code.
SOURCE_TYPE = re.compile(
    r"digitalsourcetype(?:/|[\"'>:=\s]+(?:https?://cv\.iptc\.org/newscodes/digitalsourcetype/)?)"
    r"([A-Za-z]+)",
    re.IGNORECASE,
)
XMP_FIELDS = {f"info:{key}" for key in xmp.INFO_KEYS}

EXIF_SOFTWARE, EXIF_MAKE, EXIF_MODEL, EXIF_DESCRIPTION = 0x0131, 0x010F, 0x0110, 0x010E
EXIF_IFD, EXIF_USER_COMMENT = 0x8769, 0x9286


def _text(value: object, limit: int = 400) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    text = str(value).replace("\x00", "")
    return text if len(text) <= limit else text[:limit] + "..."


def _user_comment(raw: object) -> str:
    """EXIF UserComment: 8 bytes naming the charset, then the text."""
    if not isinstance(raw, bytes):
        return str(raw or "")
    head, body = raw[:8], raw[8:]
    if head.startswith(b"UNICODE"):
        # A1111 writes UTF-16 big-endian; some tools little-endian. Pick the readable one.
        for codec in ("utf-16-be", "utf-16-le"):
            text = body.decode(codec, "replace")
            if text.isprintable() or "Steps:" in text:
                return text
        return body.decode("utf-16-be", "replace")
    return body.decode("utf-8", "replace")


def collect(img: Image.Image) -> dict[str, str]:
    """The metadata fields worth reading, as text."""
    fields: dict[str, str] = {}
    for key, value in (img.info or {}).items():
        if isinstance(value, (str, bytes)) and key not in ("icc_profile", "exif"):
            fields[f"info:{key}"] = _text(value, 4000)
    try:
        exif = img.getexif()
    except Exception:  # a malformed EXIF block is not a reason to fail the detection
        exif = None
    if exif:
        for tag, name in (
            (EXIF_SOFTWARE, "Software"),
            (EXIF_MAKE, "Make"),
            (EXIF_MODEL, "Model"),
            (EXIF_DESCRIPTION, "ImageDescription"),
        ):
            if exif.get(tag):
                fields[f"exif:{name}"] = _text(exif[tag])
        try:
            comment = exif.get_ifd(EXIF_IFD).get(EXIF_USER_COMMENT)
        except Exception:
            comment = None
        if comment:
            fields["exif:UserComment"] = _text(_user_comment(comment), 4000)
    return fields


def _from_fields(
    fields: dict[str, str], declared: list[tuple[str, str]] | None = None
) -> list[Finding]:
    """Findings from the text fields and from ``declared`` (where, DigitalSourceType) pairs
    read out of the XMP packets."""
    findings: list[Finding] = []
    png_keys = [k.removeprefix("info:") for k in fields if k.removeprefix("info:") in PNG_KEYS]
    if png_keys:
        writers = sorted({PNG_KEYS[k] for k in png_keys})
        findings.append(
            Finding(
                "metadata",
                "strong",
                "ai",
                f"text chunks {', '.join(png_keys)} written by {' / '.join(writers)}",
                {"fields": {k: fields[f"info:{k}"][:400] for k in png_keys}},
            )
        )
    infotext = [
        k
        for k, v in fields.items()
        if INFOTEXT.search(v) and k.removeprefix("info:") not in png_keys
    ]
    if infotext:
        findings.append(
            Finding(
                "metadata",
                "strong",
                "ai",
                f"generation settings (steps, sampler) in {', '.join(infotext)}",
                {"fields": {k: fields[k][:400] for k in infotext}},
            )
        )
    from_text = [
        (key, match.group(1))
        for key, value in fields.items()
        if key not in XMP_FIELDS and (match := SOURCE_TYPE.search(value))
    ]
    for key, source_type in list(dict.fromkeys([*(declared or []), *from_text])):
        if source_type in AI_SOURCE_TYPES | PARTLY_AI_SOURCE_TYPES:
            findings.append(
                Finding(
                    "metadata",
                    "strong",
                    "ai",
                    f"IPTC DigitalSourceType {source_type} declared in {key} (unsigned)",
                    {"field": key, "digital_source_type": source_type},
                )
            )
        elif source_type in CAPTURE_SOURCE_TYPES:
            findings.append(
                Finding(
                    "metadata",
                    "weak",
                    "real",
                    f"IPTC DigitalSourceType {source_type} declared in {key} (unsigned)",
                    {"field": key, "digital_source_type": source_type},
                )
            )
    named = {
        k: v
        for k, v in fields.items()
        if k
        in (
            "exif:Software",
            "exif:ImageDescription",
            "info:Software",
            "info:Source",
            "info:Comment",
            "info:Description",
        )
        or k.startswith("info:XML")
        or k == "info:xmp"
    }
    for key, value in named.items():
        match = SOFTWARE.search(value)
        if match:
            findings.append(
                Finding(
                    "metadata",
                    "strong",
                    "ai",
                    f"{key} names an image generator ({match.group(0)!r})",
                    {"field": key, "value": value[:400]},
                )
            )
    if "exif:Make" in fields or "exif:Model" in fields:
        camera = " ".join(fields.get(k, "") for k in ("exif:Make", "exif:Model")).strip()
        findings.append(
            Finding(
                "metadata",
                "weak",
                "real",
                f"EXIF names a camera ({camera}); EXIF is easily copied, so this is a hint only",
                {"camera": camera},
            )
        )
    return findings


def check(path: Path) -> tuple[list[Finding], dict[str, str]]:
    """Findings from the file's metadata, and the fields that were read."""
    try:
        with Image.open(path) as img:
            fields = collect(img)
            declared = [(where, code) for where, packet in xmp.packets(img)
                        for code in xmp.source_types(packet)]  # fmt: skip
    except Exception:  # validate.open_image has already judged the file; stay quiet here
        return [], {}
    return _from_fields(fields, declared), fields


def summarise_fields(fields: dict[str, str]) -> dict[str, Any]:
    """A short, JSON-safe view of the fields for the evidence (long values cut)."""
    return {k: (v if len(v) <= 200 else v[:200] + "...") for k, v in fields.items()}
