"""The labelled speech used to train the head and calibrate the audio detectors.

``../shared/data/audio/manifest.csv`` (see its README) is split three ways BY GENERATOR
FAMILY for synthetic clips and BY SOURCE (LibriSpeech: by speaker) for real ones, so no
family, source or speaker is in two splits:

- ``train``: fits the head of the encoder detector.
- ``calibration``: fits every detector's probability mapping and verdict cuts.
- ``test``: held out; the figures in the calibration files come from here only.

The end-to-end neural TTS families (VITS, Piper/VITS, Glow-TTS, Kokoro) are all held out
for ``test``: the head never sees a modern TTS while training, so the test figures say
how it transfers to unseen generators. Tacotron 2 (mostly with HiFi-GAN/WaveGlow
vocoders), WaveGlow and Festival are the calibration families.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from ...weights import PROJECT_ROOT, weights_dir

SPLITS = ("train", "calibration", "test")

FAMILY_SPLIT: dict[str, str] = {
    "ESPnet Tacotron2/Transformer/FastSpeech": "train",
    "HiFi-GAN vocoder": "train",
    "MelGAN vocoder": "train",
    "WaveNet vocoder": "train",
    "eSpeak NG (formant, classic)": "train",
    "Flite (classic)": "train",
    "Tacotron 2": "calibration",
    "WaveGlow vocoder": "calibration",
    "Festival (classic)": "calibration",
    "VITS": "test",
    "Piper/VITS": "test",
    "Glow-TTS": "test",
    "Kokoro-82M": "test",
}
# Real clips by source; LibriSpeech readers (the Resemblyzer rows) are split by speaker.
REAL_SOURCE_SPLIT: dict[str, str] = {
    "github:jik876/hifi-gan-demo": "train",
    "github:espnet/espnet-tts-sample": "train",
    "debian:pocketsphinx-testdata": "calibration",
    "github:jaywalnut310/vits-demo": "test",
}
LIBRISPEECH_SOURCE = "github:resemble-ai/Resemblyzer"


@dataclass(frozen=True)
class Clip:
    path: Path
    label: int  # 1 = synthetic (AI), 0 = real
    family: str  # generator family, or "human"
    source: str
    group: str  # the unit kept within one split: family for AI, source/speaker for real
    split: str
    sha256: str


def data_dir() -> Path:
    """``../shared/data/audio`` (beside the shared weights folder, or the project)."""
    for candidate in (
        weights_dir().parent / "data" / "audio",
        PROJECT_ROOT.parent / "shared" / "data" / "audio",
    ):
        if (candidate / "manifest.csv").is_file():
            return candidate
    return PROJECT_ROOT.parent / "shared" / "data" / "audio"


def _speaker_split(speaker: str) -> str:
    # A stable hash of the speaker id: 60 % train, 20 % calibration, 20 % test.
    bucket = int(hashlib.sha256(speaker.encode()).hexdigest(), 16) % 5
    return ("train", "train", "train", "calibration", "test")[bucket]


def _real_split(source: str, path_in_source: str) -> tuple[str, str]:
    short = source.split()[0]
    if short == LIBRISPEECH_SOURCE:
        speaker = Path(path_in_source).name.split("-")[0]
        return _speaker_split(speaker), f"librispeech:{speaker}"
    return REAL_SOURCE_SPLIT.get(short, "test"), short


def read_manifest(root: Path | None = None) -> list[Clip]:
    root = root or data_dir()
    clips: list[Clip] = []
    with (root / "manifest.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            if row["label"] == "synthetic":
                family = row["generator_family"]
                # A family missing from the table is new data: keep it out of training.
                split, group = FAMILY_SPLIT.get(family, "test"), family
                label = 1
            else:
                family, label = "human", 0
                split, group = _real_split(row["source"], row["path_in_source"])
            clips.append(
                Clip(
                    path=root / row["path"],
                    label=label,
                    family=family,
                    source=row["source"],
                    group=group,
                    split=split,
                    sha256=row["sha256"],
                )
            )
    return clips
