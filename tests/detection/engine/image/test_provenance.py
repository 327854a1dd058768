"""Provenance: C2PA credentials, generator metadata and the SD watermark, on made fixtures."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image, PngImagePlugin

from detection.engine.image.provenance.detector import ProvenanceDetector
from detection.engine.image.provenance.watermark import SD_V1_BYTES, SDXL_BITS

from .conftest import SKIMAGE, SKLEARN, SigningKit, sign_c2pa


@pytest.fixture(scope="module")
def provenance() -> ProvenanceDetector:
    detector = ProvenanceDetector()
    detector.load()
    return detector


@pytest.fixture
def photo_jpeg(tmp_path: Path) -> Path:
    path = tmp_path / "photo.jpg"
    Image.open(SKLEARN / "china.jpg").save(path, quality=92)
    return path


def test_plain_photo_has_no_informative_provenance(provenance: ProvenanceDetector) -> None:
    result = provenance.detect(SKLEARN / "china.jpg")
    assert result.verdict == "uncertain"
    assert result.evidence["informative"] is False
    assert result.evidence["watermark"]["checked"] is True


def test_valid_c2pa_declaring_trained_algorithmic_media_is_conclusive(
    provenance: ProvenanceDetector, signing_kit: SigningKit, photo_jpeg: Path, tmp_path: Path
) -> None:
    signed = sign_c2pa(signing_kit, photo_jpeg, tmp_path / "signed.jpg", "trainedAlgorithmicMedia")
    result = provenance.detect(signed)
    assert result.verdict == "ai" and result.evidence["conclusive"] is True
    finding = result.evidence["findings"][0]
    assert finding["kind"] == "c2pa" and finding["strength"] == "conclusive"
    details = finding["details"]
    assert details["validation_state"] == "Valid"  # signer not on a trust list
    assert details["signer"]["common_name"] == "Test Diffusion signer"
    assert details["actions"][0] == {
        "action": "c2pa.created",
        "digital_source_type": "trainedAlgorithmicMedia",
        "software_agent": "Test Diffusion 2.1",
    }
    assert "Test Diffusion 2.1" in finding["summary"]


def test_c2pa_signer_is_trusted_when_its_ca_is_configured(
    provenance: ProvenanceDetector,
    signing_kit: SigningKit,
    photo_jpeg: Path,
    tmp_path: Path,
    engine_env: Any,
) -> None:
    anchors = tmp_path / "anchors.pem"
    anchors.write_bytes(signing_kit.ca_pem)
    engine_env(DETECTION_C2PA_TRUST_ANCHORS=str(anchors))
    signed = sign_c2pa(signing_kit, photo_jpeg, tmp_path / "capture.jpg", "digitalCapture")
    result = provenance.detect(signed)
    finding = result.evidence["findings"][0]
    assert finding["details"]["validation_state"] == "Trusted"
    # A trusted camera-capture claim is evidence for a real photo, never conclusive.
    assert finding["points_to"] == "real" and finding["strength"] == "strong"
    assert result.verdict == "human"


def test_altered_c2pa_file_is_strong_but_not_conclusive(
    provenance: ProvenanceDetector, signing_kit: SigningKit, photo_jpeg: Path, tmp_path: Path
) -> None:
    signed = sign_c2pa(signing_kit, photo_jpeg, tmp_path / "signed.jpg", "trainedAlgorithmicMedia")
    data = bytearray(signed.read_bytes())
    data[-300] ^= 0xFF  # change the pixels after signing
    altered = tmp_path / "altered.jpg"
    altered.write_bytes(bytes(data))
    result = provenance.detect(altered)
    finding = result.evidence["findings"][0]
    assert finding["details"]["validation_state"] == "Invalid"
    assert finding["strength"] == "strong" and "altered" in finding["summary"]
    assert result.evidence["conclusive"] is False


def test_stable_diffusion_parameters_chunk_is_strong_ai_evidence(
    provenance: ProvenanceDetector, tmp_path: Path
) -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text(
        "parameters",
        "a lighthouse at dawn\nSteps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1",
    )
    path = tmp_path / "sd.png"
    Image.open(SKIMAGE / "coffee.png").save(path, pnginfo=info)
    result = provenance.detect(path)
    assert result.verdict == "ai" and result.evidence["conclusive"] is False
    finding = result.evidence["findings"][0]
    assert finding["kind"] == "metadata" and "parameters" in finding["summary"]
    assert "Steps: 30" in finding["details"]["fields"]["parameters"]


def test_exif_software_naming_a_generator_is_reported(
    provenance: ProvenanceDetector, tmp_path: Path
) -> None:
    img = Image.open(SKLEARN / "flower.jpg")
    exif = img.getexif()
    exif[0x0131] = "Adobe Firefly Image 3"
    path = tmp_path / "firefly.jpg"
    img.save(path, exif=exif)
    result = provenance.detect(path)
    summaries = [f["summary"] for f in result.evidence["findings"]]
    assert any("exif:Software" in s and "firefly" in s.lower() for s in summaries)


@pytest.mark.parametrize("message", ["SDXL", "StableDiffusionV1"])
def test_decoded_stable_diffusion_watermark_is_conclusive(
    provenance: ProvenanceDetector, tmp_path: Path, message: str
) -> None:
    from imwatermark import WatermarkEncoder

    bgr = np.ascontiguousarray(np.asarray(Image.open(SKIMAGE / "astronaut.png"))[:, :, ::-1])
    encoder = WatermarkEncoder()
    if message == "SDXL":
        encoder.set_watermark("bits", SDXL_BITS)
    else:
        encoder.set_watermark("bytes", SD_V1_BYTES)
    marked = encoder.encode(bgr, "dwtDct")
    path = tmp_path / "marked.png"
    Image.fromarray(marked[:, :, ::-1]).save(path)
    result = provenance.detect(path)
    assert result.evidence["conclusive"] is True
    finding = next(f for f in result.evidence["findings"] if f["kind"] == "watermark")
    assert finding["details"]["message"] == message
    assert finding["details"]["chance_probability"] < 1e-9


def test_jpeg_compression_destroys_the_watermark_and_nothing_is_claimed(
    provenance: ProvenanceDetector, tmp_path: Path
) -> None:
    from imwatermark import WatermarkEncoder

    bgr = np.ascontiguousarray(np.asarray(Image.open(SKIMAGE / "astronaut.png"))[:, :, ::-1])
    encoder = WatermarkEncoder()
    encoder.set_watermark("bits", SDXL_BITS)
    path = tmp_path / "marked.jpg"
    Image.fromarray(encoder.encode(bgr, "dwtDct")[:, :, ::-1]).save(path, quality=85)
    result = provenance.detect(path)
    assert not any(f["kind"] == "watermark" for f in result.evidence["findings"])
