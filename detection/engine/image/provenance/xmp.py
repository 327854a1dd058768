"""IPTC DigitalSourceType from the XMP packets of an image, read as XML.

XMP says it in RDF, in any of the forms RDF allows, and packets are often tens of
kilobytes (long descriptions, edit histories, padding), so a pattern over a cut-off string
misses it. The packet is parsed with defusedxml (no DTDs, no entity expansion, nothing
fetched): an upload's metadata is untrusted input. Recognised forms, each with the value
as a full IPTC URI or a bare code:

- element: ``<Iptc4xmpExt:DigitalSourceType>http://cv.iptc.org/.../trainedAlgorithmicMedia</...>``
- attribute: ``<rdf:Description Iptc4xmpExt:DigitalSourceType="...">``
- resource: ``<Iptc4xmpExt:DigitalSourceType rdf:resource="..."/>``
- a container: ``<Iptc4xmpExt:DigitalSourceType><rdf:Bag><rdf:li>...</rdf:li></rdf:Bag>``
  (also rdf:Seq and rdf:Alt).
"""

from __future__ import annotations

import logging
import re

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from PIL import Image

from .findings import source_type_name

logger = logging.getLogger(__name__)
IPTC_EXT = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SOURCE_TYPE = f"{{{IPTC_EXT}}}DigitalSourceType"
RESOURCE = f"{{{RDF}}}resource"
MAX_PACKET_BYTES = 4 * 1024 * 1024  # an image's XMP is kilobytes; more is not metadata
# Where Pillow puts XMP: JPEG/WebP ("xmp"), PNG iTXt ("XML:com.adobe.xmp"); TIFF tag 700.
INFO_KEYS = ("xmp", "XML:com.adobe.xmp")
TIFF_XMP_TAG = 700
CODE = re.compile(r"^[A-Za-z]+$")


def packets(img: Image.Image) -> list[tuple[str, bytes]]:
    """(where, packet) for every XMP packet of the image."""
    found: list[tuple[str, bytes]] = []
    for key in INFO_KEYS:
        value = (img.info or {}).get(key)
        if isinstance(value, str):
            value = value.encode("utf-8")
        if isinstance(value, bytes) and value and value not in (v for _, v in found):
            found.append((f"info:{key}", value))  # Pillow may give one packet under both
    tags = getattr(img, "tag_v2", None)
    if tags is not None and TIFF_XMP_TAG in tags:
        value = tags[TIFF_XMP_TAG]
        if isinstance(value, bytes | str):
            found.append(("tiff:XMP", value.encode() if isinstance(value, str) else value))
    return found


def source_types(packet: bytes) -> list[str]:
    """The DigitalSourceType codes a packet declares ([] if none, or if it is not XML)."""
    if len(packet) > MAX_PACKET_BYTES:
        return []
    try:
        root = fromstring(packet.strip(b"\x00"), forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        logger.info("XMP packet not read: %s", type(exc).__name__)
        return []
    codes: list[str] = []
    for element in root.iter():
        declared = element.get(SOURCE_TYPE)  # attribute form
        if declared:
            codes.append(declared)
        if element.tag != SOURCE_TYPE:
            continue
        if element.get(RESOURCE):
            codes.append(element.get(RESOURCE, ""))
        items = [li.text or "" for li in element.iter(f"{{{RDF}}}li")]
        codes.extend(items or [element.text or ""])
    names = [source_type_name(code.strip()) for code in codes if code.strip()]
    return list(dict.fromkeys(name for name in names if CODE.match(name)))
