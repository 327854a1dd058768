"""The published AASIST checkpoints: pinned files and their hyper-parameters (torch-free)."""

from __future__ import annotations

from .. import settings
from ..errors import ModelUnavailable
from ..weights import PinnedFile, require_file

_RELEASE = "https://github.com/clovaai/aasist/raw/main/models/weights"

# Hyper-parameters each published checkpoint was trained with (the authors' config files,
# also in ../shared/weights/aasist/config.json).
VARIANTS: dict[str, dict[str, object]] = {
    "AASIST": {
        "nb_samp": 64600,
        "first_conv": 128,
        "filts": [70, [1, 32], [32, 32], [32, 64], [64, 64]],
        "gat_dims": [64, 32],
        "pool_ratios": [0.5, 0.7, 0.5, 0.5],
        "temperatures": [2.0, 2.0, 100.0, 100.0],
    },
    "AASIST-L": {
        "nb_samp": 64600,
        "first_conv": 128,
        "filts": [70, [1, 32], [32, 32], [32, 24], [24, 24]],
        "gat_dims": [24, 32],
        "pool_ratios": [0.4, 0.5, 0.7, 0.5],
        "temperatures": [2.0, 2.0, 100.0, 100.0],
    },
}
WEIGHTS: dict[str, PinnedFile] = {
    "AASIST": PinnedFile(
        "aasist/AASIST.pth",
        "51d2d9cf0738172f61e2a384ec50a54a55363240f67c971ed55a92435bc1a1c0",
        f"{_RELEASE}/AASIST.pth",
    ),
    "AASIST-L": PinnedFile(
        "aasist/AASIST-L.pth",
        "814331d088032bb4c3fa61cc014789eadeed464209dd094ab3a2dd6ffbdce27a",
        f"{_RELEASE}/AASIST-L.pth",
    ),
}
INPUT_SAMPLES = 64_600


def variant() -> str:
    """``DETECTION_AASIST_VARIANT`` picks AASIST (default) or AASIST-L."""
    name = settings.current().audio.aasist_variant
    if name not in WEIGHTS:
        raise ModelUnavailable(f"unknown AASIST variant {name!r}; use one of {sorted(WEIGHTS)}")
    return name


def probe() -> None:
    """Torch-free: the pinned checkpoint is present with the right checksum."""
    require_file(WEIGHTS[variant()])
