"""Extra training speech that can be made offline from Debian packages.

Synthetic: ``espeak-ng`` (formant synthesis, several voice variants) and ``flite``
(CLUSTERGEN and diphone voices) reading sentences written for this project. Real: the
spoken channel names of ``alsa-utils`` (``/usr/share/sounds/alsa``). These only ever go
to the ``train`` split; families that the shared data holds out stay unseen.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from ...weights import cache_dir
from .dataset import Clip

SENTENCES = (
    "Please check the meter reading before you leave the building tonight.",
    "The committee will meet again on Thursday to review the budget.",
    "Our train was delayed by twenty minutes because of the fog.",
    "She painted the kitchen a pale shade of green last spring.",
    "If the light turns red, wait until the signal changes.",
    "Fresh bread is delivered to the shop every morning at six.",
    "The museum opens a new exhibition about river boats next week.",
    "He forgot his umbrella, so he waited under the bridge for the rain to stop.",
    "A small boat drifted slowly towards the far side of the lake.",
    "Remember to save your work before you close the program.",
    "The children counted the stars until they fell asleep.",
    "Turn left at the bakery and the library is on your right.",
)
ESPEAK_VOICES = ("en-us", "en-us+f3", "en+m3", "en-gb-x-rp+f2", "en-us+m7", "en-029")
FLITE_VOICES = ("slt", "rms", "awb", "kal16")
ALSA_SOUNDS = Path("/usr/share/sounds/alsa")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _run(args: list[str]) -> bool:
    try:
        subprocess.run(args, check=True, capture_output=True, timeout=60)  # noqa: S603
    except (OSError, subprocess.SubprocessError):
        return False
    return True


def generate(out_dir: Path | None = None) -> tuple[list[Clip], list[str]]:
    """Make (or reuse) the extra clips; returns them and notes on what was unavailable."""
    out_dir = out_dir or cache_dir() / "audio-extra"
    out_dir.mkdir(parents=True, exist_ok=True)
    clips: list[Clip] = []
    notes: list[str] = []
    espeak, flite = shutil.which("espeak-ng"), shutil.which("flite")
    for i, text in enumerate(SENTENCES):
        if espeak:
            voice = ESPEAK_VOICES[i % len(ESPEAK_VOICES)]
            path = out_dir / f"espeak_{i:02d}_{voice.replace('+', '_')}.wav"
            if path.is_file() or _run([espeak, "-v", voice, "-s", "160", "-w", str(path), text]):
                clips.append(_clip(path, 1, "eSpeak NG (formant, classic)", "debian:espeak-ng"))
        if flite:
            voice = FLITE_VOICES[i % len(FLITE_VOICES)]
            path = out_dir / f"flite_{i:02d}_{voice}.wav"
            if path.is_file() or _run([flite, "-voice", voice, "-t", text, "-o", str(path)]):
                clips.append(_clip(path, 1, "Flite (classic)", "debian:flite"))
    if not espeak:
        notes.append("espeak-ng not installed (apt-get install espeak-ng)")
    if not flite:
        notes.append("flite not installed (apt-get install flite)")
    if ALSA_SOUNDS.is_dir():
        for path in sorted(ALSA_SOUNDS.glob("*.wav")):
            if path.name != "Noise.wav":
                clips.append(_clip(path, 0, "human", "debian:alsa-utils"))
    else:
        notes.append("alsa-utils sounds not installed (apt-get install alsa-utils)")
    return clips, notes


def _clip(path: Path, label: int, family: str, source: str) -> Clip:
    group = family if label else source
    return Clip(path, label, family, source, group, "train", _sha256(path))
