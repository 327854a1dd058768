"""IPTC DigitalSourceType in standard XMP, as generators and editors write it, reaches the
verdict of an uploaded image: element form, attribute form and an rdf:Bag, in PNG and JPEG.

The old pattern matched the element's name and took "http" for the source type, and it
read only the first 4,000 characters of a packet (real packets are longer).
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image, PngImagePlugin
from rest_framework.test import APIClient

from detection.engine import registry
from tests.detection.engine.image.conftest import SKIMAGE

pytestmark = pytest.mark.django_db
URL = "/api/v1/detections/"
CODES = "http://cv.iptc.org/newscodes/digitalsourcetype/"
NAMESPACES = (
    'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:xmp="http://ns.adobe.com/xap/1.0/" '
    'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"'
)
# What comes before the source type in a real packet: a long description, other fields.
OTHER_FIELDS = (
    '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">'
    + "A harbour at dusk, boats and gulls. " * 150
    + "</rdf:li></rdf:Alt></dc:description><xmp:CreatorTool>Photo Editor 5.1</xmp:CreatorTool>"
)


def _packet(description: str) -> str:
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF '
        + NAMESPACES
        + ">"
        + description
        + "</rdf:RDF></x:xmpmeta>"
        + " " * 2048
        + '<?xpacket end="w"?>'
    )


FORMS = {
    "element": _packet(
        '<rdf:Description rdf:about="">'
        + OTHER_FIELDS
        + f"<Iptc4xmpExt:DigitalSourceType>{CODES}{{code}}</Iptc4xmpExt:DigitalSourceType>"
        "</rdf:Description>"
    ),
    "attribute": _packet(
        f'<rdf:Description rdf:about="" Iptc4xmpExt:DigitalSourceType="{CODES}{{code}}">'
        + OTHER_FIELDS
        + "</rdf:Description>"
    ),
    "bag": _packet(
        '<rdf:Description rdf:about="">' + OTHER_FIELDS + "<Iptc4xmpExt:DigitalSourceType><rdf:Bag>"
        f"<rdf:li>{CODES}{{code}}</rdf:li></rdf:Bag></Iptc4xmpExt:DigitalSourceType>"
        "</rdf:Description>"
    ),
}


def _image_with_xmp(kind: str, xmp: str) -> io.BytesIO:
    photo = Image.open(SKIMAGE / "coffee.png").convert("RGB")
    out = io.BytesIO()
    if kind == "png":
        info = PngImagePlugin.PngInfo()
        info.add_itxt("XML:com.adobe.xmp", xmp)
        photo.save(out, "PNG", pnginfo=info)
    else:
        photo.save(out, "JPEG", quality=92, xmp=xmp.encode("utf-8"))
    out.seek(0)
    out.name = f"upload.{kind}"
    return out


@pytest.fixture
def provenance_only(monkeypatch: pytest.MonkeyPatch) -> None:
    # The provenance detector alone: the learned heads are not what this is about.
    monkeypatch.setenv(registry.DEFAULTS_ENV, "image=image.provenance")


def _submit(client: APIClient, upload: io.BytesIO, capture: Any) -> dict[str, Any]:
    with capture(execute=True):
        created = client.post(URL, {"file": upload}, format="multipart")
    assert created.status_code == 202, created.content
    return dict(client.get(f"{URL}{created.json()['id']}/").json())


def _source_types(job: dict[str, Any]) -> list[str]:
    return [
        f["details"]["digital_source_type"]
        for f in job["evidence"]["findings"]
        if "digital_source_type" in f.get("details", {})
    ]


@pytest.mark.parametrize("kind", ["png", "jpeg"])
@pytest.mark.parametrize("form", sorted(FORMS))
def test_declared_ai_source_type_in_xmp_is_found(
    api_client: APIClient, provenance_only: None, django_capture_on_commit_callbacks: Any,
    form: str, kind: str,
) -> None:  # fmt: skip
    xmp = FORMS[form].replace("{code}", "trainedAlgorithmicMedia")
    assert len(xmp) > 4000  # past what the old reader looked at
    job = _submit(api_client, _image_with_xmp(kind, xmp), django_capture_on_commit_callbacks)
    assert job["status"] == "completed", job["error_message"]
    assert _source_types(job) == ["trainedAlgorithmicMedia"]
    assert job["verdict"] == "ai"


def test_a_capture_source_type_is_a_weak_real_hint(
    api_client: APIClient, provenance_only: None, django_capture_on_commit_callbacks: Any
) -> None:
    xmp = FORMS["attribute"].replace("{code}", "digitalCapture")
    job = _submit(api_client, _image_with_xmp("png", xmp), django_capture_on_commit_callbacks)
    assert _source_types(job) == ["digitalCapture"]
    assert job["verdict"] == "uncertain"  # a weak hint never makes a verdict


def test_hostile_xml_in_xmp_is_not_expanded(
    api_client: APIClient, provenance_only: None, django_capture_on_commit_callbacks: Any,
    tmp_path: Path,
) -> None:  # fmt: skip
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    bomb = (
        f'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "{"a" * 100}">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        f'<!ENTITY file SYSTEM "file://{secret}">]>'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">&b;&file;</x:xmpmeta>'
    )
    job = _submit(api_client, _image_with_xmp("png", bomb), django_capture_on_commit_callbacks)
    assert job["status"] == "completed"
    assert _source_types(job) == []
    assert "do not read me" not in str(job)
