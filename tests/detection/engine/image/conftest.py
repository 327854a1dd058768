"""Real photos that Python packages ship, AI images from the shared data, and made fixtures."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pytest
import skimage
import sklearn

from detection.engine import registry
from detection.engine.image.train.dataset import data_dir, load_manifest

SKIMAGE = Path(skimage.__file__).parent / "data"
SKLEARN = Path(sklearn.__file__).parent / "datasets" / "images"
MATPLOTLIB = Path(matplotlib.__file__).parent / "mpl-data" / "sample_data"

# Colour photographs shipped in the wheels (never used to train the heads).
PACKAGED_PHOTOS = [
    SKIMAGE / "astronaut.png",
    SKIMAGE / "chelsea.png",
    SKIMAGE / "coffee.png",
    SKIMAGE / "rocket.jpg",
    SKIMAGE / "motorcycle_left.png",
    SKLEARN / "china.jpg",
    SKLEARN / "flower.jpg",
    MATPLOTLIB / "grace_hopper.jpg",
]


@pytest.fixture(scope="session")
def ensemble():  # type: ignore[no-untyped-def]
    return registry.get_detector("image.ensemble")


@pytest.fixture(scope="session")
def ai_images() -> list[Path]:
    """A few AI images from different generator families of the shared data."""
    if not (data_dir() / "manifest.csv").is_file():
        pytest.skip(f"shared image data not found at {data_dir()} (../shared/data/image)")
    picked: dict[str, Path] = {}
    for sample in load_manifest():
        if sample.label == 1 and sample.family not in picked and sample.path.is_file():
            picked[sample.family] = sample.path
    return [picked[f] for f in sorted(picked)]


@dataclass
class SigningKit:
    chain_pem: bytes
    key_pem: bytes
    ca_pem: bytes


@pytest.fixture(scope="session")
def signing_kit() -> SigningKit:
    """A throw-away CA and a signing certificate for C2PA test fixtures (made offline)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)

    def name(cn: str) -> x509.Name:
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COMMON_NAME, cn),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "aidetect tests"),
            ]
        )

    def usage(*, sign: bool, ca: bool) -> x509.KeyUsage:
        return x509.KeyUsage(
            digital_signature=sign,
            content_commitment=False,
            key_encipherment=False,
            data_encipherment=False,
            key_agreement=False,
            key_cert_sign=ca,
            crl_sign=ca,
            encipher_only=False,
            decipher_only=False,
        )

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(name("aidetect test root"))
        .issuer_name(name("aidetect test root"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(usage(sign=False, ca=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("Test Diffusion signer"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=7))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage(sign=True, ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    return SigningKit(
        chain_pem=cert.public_bytes(pem) + ca.public_bytes(pem),
        key_pem=key.private_bytes(
            pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ),
        ca_pem=ca.public_bytes(pem),
    )


IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def sign_c2pa(kit: SigningKit, source: Path, dest: Path, source_type: str) -> Path:
    """Embed a signed C2PA manifest whose c2pa.created action declares ``source_type``."""
    import c2pa

    manifest = {
        "claim_generator_info": [{"name": "aidetect-tests", "version": "1.0"}],
        "title": dest.name,
        "assertions": [
            {
                "label": "c2pa.actions",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": IPTC + source_type,
                            "softwareAgent": {"name": "Test Diffusion 2.1"},
                        }
                    ]
                },
            }
        ],
    }
    mime = "image/png" if source.suffix == ".png" else "image/jpeg"
    info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, kit.chain_pem, kit.key_pem, None)
    with (
        c2pa.Builder(json.dumps(manifest)) as builder,
        source.open("rb") as src,
        dest.open("wb") as out,
    ):
        builder.sign(c2pa.Signer.from_info(info), mime, src, out)
    return dest
