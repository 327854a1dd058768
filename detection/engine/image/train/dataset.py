"""The labelled image set in ``../shared/data/image`` and how it is split for honest figures.

Rows are grouped into *families* (a generator family for AI images, a source for real
photos). Evaluation holds out whole families, never random files: one AI family at a time
is left out of training (leave-one-family-out), so every AI score comes from a head that
never saw that generator. Real photos are one big source (ImageNet samples), split into
fixed folds by hash; the photos that Python packages ship are never trained on at all, so
their false-positive rate is measured on photos the head has not seen.
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from ...weights import PROJECT_ROOT

# Ordered: the first pattern that matches a generator name names its family.
_FAMILIES: list[tuple[str, str]] = [
    (r"^dalle-mini", "dalle-mini"),
    (r"^disco-diffusion", "disco-diffusion"),
    (r"^glid-3-xl", "glid-3-xl"),
    (r"^latent-diffusion", "latent-diffusion"),
    (r"^sdxl", "sdxl"),
    (r"^stable-diffusion-1\.5", "stable-diffusion-1.5"),
    (r"^stylegan3", "stylegan3"),
    (r"^stylegan2", "stylegan2"),
    (r"^stylegan \(v1", "stylegan1"),
    (r"^vqgan-clip", "vqgan-clip"),
    (r"^diffusion \(unspecified", "diffusion-unspecified"),
    (r"^gan \(unspecified", "gan-unspecified"),
    (r"^real-photo \(pip wheel", "real-packaged"),
    (r"^real-photo", "real-photos"),
]
PACKAGED_REAL = "real-packaged"
REAL_FOLDS = 5


@dataclass(frozen=True)
class Sample:
    path: Path
    label: int  # 1 = AI, 0 = real
    generator: str
    family: str
    source: str
    sha256: str
    width: int
    height: int

    @property
    def real_fold(self) -> int:
        """A fixed fold for real photos, from the file's hash (stable across runs)."""
        return int(hashlib.sha256(self.sha256.encode()).hexdigest(), 16) % REAL_FOLDS


def data_dir() -> Path:
    return PROJECT_ROOT.parent / "shared" / "data" / "image"


def family_of(generator: str) -> str:
    for pattern, family in _FAMILIES:
        if re.search(pattern, generator):
            return family
    return generator


def load_manifest(root: Path | None = None) -> list[Sample]:
    root = root or data_dir()
    manifest = root / "manifest.csv"
    if not manifest.is_file():
        raise FileNotFoundError(f"no labelled image manifest at {manifest}")
    samples = []
    with manifest.open(newline="") as fh:
        for row in csv.DictReader(fh):
            samples.append(
                Sample(
                    path=root / row["file"],
                    label=1 if row["label"] == "ai" else 0,
                    generator=row["generator"],
                    family=family_of(row["generator"]),
                    source=row["source_repo"],
                    sha256=row["sha256"],
                    width=int(row["width"]),
                    height=int(row["height"]),
                )
            )
    return samples
