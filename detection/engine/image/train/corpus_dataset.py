"""The whole labelled set the new heads train on: the shared set plus the fetched corpus.

Every sample has a *group* (generator family for AI images, photo source for real ones)
and a ``content_group``: the real source whose content it shares (itself for ordinary
images; the photo's source for an aligned reconstruction). Holding out a group holds out
everything whose content_group is that group too. ``role == "unseen"`` groups (the
packaged photos, the press-portrait source) are never trained on by any head.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ... import settings
from .dataset import PACKAGED_REAL, data_dir, load_manifest

SHARED_REAL_GROUP = "imagenet-shared"


@dataclass(frozen=True)
class CorpusSample:
    path: Path
    label: int  # 1 = AI, 0 = real
    group: str
    generator: str
    role: str  # "train" | "unseen"
    content_group: str
    sha256: str
    nc: bool


def corpus_dir() -> Path:
    """Where ``corpus.py build`` wrote the fetched corpus (DETECTION_IMAGE_DATA_DIR/corpus)."""
    return settings.current().image.corpus_dir


def _shared() -> list[CorpusSample]:
    out = []
    for s in load_manifest():
        if s.family == PACKAGED_REAL:
            group, role = PACKAGED_REAL, "unseen"
        elif s.label == 0:
            group, role = SHARED_REAL_GROUP, "train"
        else:
            group, role = s.family, "train"
        out.append(CorpusSample(s.path, s.label, group, s.generator, role, group, s.sha256, True))
    return out


def load_corpus(root: Path | None = None, include_shared: bool = True) -> list[CorpusSample]:
    root = root or corpus_dir()
    samples = _shared() if include_shared and (data_dir() / "manifest.csv").is_file() else []
    manifest = root / "manifest.csv"
    if manifest.is_file():
        with manifest.open(newline="") as fh:
            for row in csv.DictReader(fh):
                samples.append(
                    CorpusSample(
                        path=root / row["file"],
                        label=1 if row["label"] == "ai" else 0,
                        group=row["group"],
                        generator=row["generator"],
                        role=row["role"],
                        content_group=row["content_group"] or row["group"],
                        sha256=row["sha256"],
                        nc=row["nc"] == "1",
                    )
                )
    return samples
