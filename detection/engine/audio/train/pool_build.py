"""Build the wider audio pool from fetched snapshots (and ``../shared/data/audio``).

For every :data:`pool_sources.RULES` rule the matching files of the snapshot at
``<mirror>/<owner>+<name>/repo`` (a bare git directory, as the fetch tool lays them out)
are read straight from git, decoded, mixed to mono, resampled to 16 kHz, trimmed of
leading and trailing silence and loudness-normalised, then written as 16-bit FLAC under
``<out>/clean/``; each clip also gets one augmented copy under ``<out>/aug/``
(:mod:`augment`). ``<out>/manifest.csv`` lists every clip with repository, commit, path,
sha256 of the original file, licence, label, family, source and the augmentation applied.
The same clips come out of every rebuild: selection and augmentation are seeded by path.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .augment import SR, augment, normalise
from .pool_sources import RULES, Rule

MAX_SECONDS = 12.0
MIN_SECONDS = 1.0
AUDIO_SUFFIXES = (".wav", ".mp3", ".flac", ".ogg", ".m4a")
# Shared-data rows taken as they are; families / sources renamed to the pool's names.
SHARED_REAL_SOURCES = {
    "github:resemble-ai/Resemblyzer": "LibriSpeech",
    "github:jaywalnut310/vits-demo": "LJSpeech/VCTK (VITS demo)",
    "github:jik876/hifi-gan-demo": "LJSpeech",
    "github:espnet/espnet-tts-sample": "LJSpeech",
}
SHARED_SKIP_SOURCES = ("github:neonbjb/tortoise-tts",)  # reserved for evaluation


@dataclass
class PoolClip:
    clip_id: str
    label: str
    family: str
    source: str
    repo: str
    commit: str
    path_in_repo: str
    sha256: str
    licence: str
    noncommercial: bool
    seconds: float
    clean_path: str
    aug_path: str
    augmentation: str


def _git(git_dir: Path, *args: str) -> bytes:
    # Read-only git plumbing on a local snapshot; the arguments are ours, not user input.
    return subprocess.run(  # noqa: S603
        ["git", f"--git-dir={git_dir}", *args],  # noqa: S607
        check=True,
        capture_output=True,
    ).stdout


def snapshot_dir(mirror: Path, repo: str) -> Path:
    return mirror / repo.replace("/", "+") / "repo"


def rule_files(mirror: Path, rule: Rule) -> tuple[str, list[tuple[str, str]]]:
    """(commit, [(path, blob sha)]) of the audio files that ``rule`` selects, capped."""
    git_dir = snapshot_dir(mirror, rule.repo)
    commit = _git(git_dir, "rev-parse", f"refs/heads/{rule.ref}").decode().strip()
    listing = _git(git_dir, "ls-tree", "-r", "-z", commit).decode().split("\0")
    pattern = re.compile(rule.pattern)
    found: list[tuple[str, str]] = []
    for entry in filter(None, listing):
        meta, path = entry.split("\t", 1)
        if path.lower().endswith(AUDIO_SUFFIXES) and pattern.search(path):
            found.append((path, meta.split()[2]))
    found.sort(key=lambda item: hashlib.sha256(item[0].encode()).hexdigest())
    return commit, sorted(found[: rule.cap])


def decode(data: bytes) -> tuple[np.ndarray, int]:
    """Any audio file's bytes -> (mono float32, sample rate)."""
    import soundfile as sf

    try:
        samples, rate = sf.read(io.BytesIO(data), dtype="float32", always_2d=True)
        return samples.mean(axis=1), int(rate)
    except sf.LibsndfileError:
        import av

        chunks = []
        container: Any
        with av.open(io.BytesIO(data)) as container:
            rate = container.streams.audio[0].rate
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            for frame in container.decode(audio=0):
                for f in resampler.resample(frame):
                    chunks.append(f.to_ndarray().reshape(-1))
        return np.concatenate(chunks), int(rate)


def trim_silence(x: np.ndarray, floor_db: float = -45.0) -> np.ndarray:
    """Drop leading and trailing 10 ms frames quieter than ``floor_db`` below the peak frame."""
    frame = SR // 100
    n = len(x) // frame
    if n < 3:
        return x
    energy = np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1) + 1e-12
    loud = np.nonzero(10 * np.log10(energy / energy.max()) > floor_db)[0]
    if len(loud) == 0:
        return x[:0]
    start, end = max(loud[0] - 2, 0), min(loud[-1] + 3, n)  # keep 20-30 ms of margin
    return x[start * frame : end * frame]


def prepare(samples: np.ndarray, rate: int) -> np.ndarray:
    import soxr

    x = np.asarray(samples, dtype=np.float32)
    if rate != SR:
        x = np.asarray(soxr.resample(x, rate, SR), dtype=np.float32)
    x = trim_silence(x)[: int(MAX_SECONDS * SR)]
    return normalise(x)


def _clip_id(repo: str, path: str) -> str:
    return hashlib.sha256(f"{repo}:{path}".encode()).hexdigest()[:16]


def _shared_items(shared: Path) -> Iterator[tuple[Rule, str, str, bytes]]:
    """(rule-like description, commit, path, bytes) for the rows of ../shared/data/audio."""
    with (shared / "manifest.csv").open() as fh:
        for row in csv.DictReader(fh):
            if row["source"] in SHARED_SKIP_SOURCES:
                continue
            real = row["label"] == "real"
            source = SHARED_REAL_SOURCES.get(row["source"], row["source"])
            if source.startswith("debian:pocketsphinx"):
                source = "pocketsphinx-testdata"
            rule = Rule(
                repo=f"shared:{row['source']}",
                ref="",
                pattern="",
                label=row["label"],
                family="human" if real else row["generator_family"],
                source=source if real else row["source"],
                licence=row["licence"],
                generator=row["generator"],
            )
            yield rule, "", row["path"], (shared / row["path"]).read_bytes()


def _rule_items(mirror: Path) -> Iterator[tuple[Rule, str, str, bytes]]:
    for rule in RULES:
        commit, files = rule_files(mirror, rule)
        git_dir = snapshot_dir(mirror, rule.repo)
        for path, blob in files:
            yield rule, commit, path, _git(git_dir, "cat-file", "blob", blob)


def build(mirror: Path, out: Path, shared: Path | None, log: bool = True) -> list[PoolClip]:
    import soundfile as sf

    (out / "clean").mkdir(parents=True, exist_ok=True)
    (out / "aug").mkdir(parents=True, exist_ok=True)
    items = list(_rule_items(mirror))
    if shared is not None and (shared / "manifest.csv").is_file():
        items += list(_shared_items(shared))
    clips: list[PoolClip] = []
    seen: set[str] = set()
    for rule, commit, path, data in items:
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:  # demo pages reuse files; one copy only
            continue
        seen.add(digest)
        try:
            samples, rate = decode(data)
        except Exception as exc:
            if log:
                print(f"skip {rule.repo}:{path}: {exc}")
            continue
        x = prepare(samples, rate)
        if len(x) < MIN_SECONDS * SR:
            continue
        clip_id = _clip_id(rule.repo, path)
        clean, aug = f"clean/{clip_id}.flac", f"aug/{clip_id}.flac"
        y, how = augment(x, clip_id)
        sf.write(out / clean, x, SR, subtype="PCM_16")
        sf.write(out / aug, y, SR, subtype="PCM_16")
        clips.append(
            PoolClip(
                clip_id=clip_id,
                label=rule.label,
                family=rule.family,
                source=rule.source,
                repo=rule.repo,
                commit=commit,
                path_in_repo=path,
                sha256=digest,
                licence=rule.licence,
                noncommercial=rule.noncommercial,
                seconds=round(len(x) / SR, 3),
                clean_path=clean,
                aug_path=aug,
                augmentation=how,
            )
        )
        if log and len(clips) % 100 == 0:
            print(f"{len(clips)} clips")
    write_manifest(out / "manifest.csv", clips)
    return clips


def write_manifest(path: Path, clips: list[PoolClip]) -> None:
    fields = list(PoolClip.__dataclass_fields__)
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=fields)
        writer.writeheader()
        for clip in clips:
            writer.writerow(asdict(clip))


def read_manifest(path: Path) -> list[PoolClip]:
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    out = []
    for row in rows:
        row["noncommercial"] = row["noncommercial"] == "True"  # type: ignore[assignment]
        row["seconds"] = float(row["seconds"])  # type: ignore[assignment]
        out.append(PoolClip(**row))  # type: ignore[arg-type]
    return out
