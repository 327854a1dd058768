"""The pool builder reads clips straight from a bare git snapshot and writes a manifest."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from detection.engine.audio.train import pool_build, pool_sources
from detection.engine.audio.train.pool_sources import Rule


def _snapshot(tmp_path: Path) -> Path:
    """A bare repository 'demo/page' with two synthetic and one real clip at 22.05 kHz."""
    work = tmp_path / "work"
    (work / "wavs" / "tts").mkdir(parents=True)
    (work / "wavs" / "gt").mkdir(parents=True)
    t = np.arange(int(2.5 * 22_050)) / 22_050
    for k, folder in enumerate(("tts", "tts", "gt")):
        tone = 0.3 * np.sin(2 * np.pi * (120 + 30 * k) * t) * (t > 0.4)  # leading silence
        sf.write(work / "wavs" / folder / f"clip{k}.wav", tone, 22_050)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    subprocess.run([*git, "init", "-q", "-b", "main", str(work)], check=True)
    subprocess.run([*git, "-C", str(work), "add", "."], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "-qm", "demo"], check=True)
    mirror = tmp_path / "mirror"
    subprocess.run(
        ["git", "clone", "-q", "--bare", str(work), str(mirror / "demo+page" / "repo")], check=True
    )
    return mirror


def test_rules_select_decode_trim_and_augment_into_a_manifest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mirror = _snapshot(tmp_path)
    rules = (
        Rule("demo/page", "main", r"^wavs/tts/", "synthetic", "DemoTTS", "github:demo/page"),
        Rule("demo/page", "main", r"^wavs/gt/", "real", "human", "DemoCorpus"),
    )
    monkeypatch.setattr(pool_build, "RULES", rules)
    clips = pool_build.build(mirror, tmp_path / "pool", shared=None, log=False)
    assert sorted((c.label, c.family) for c in clips) == [
        ("real", "human"),
        ("synthetic", "DemoTTS"),
        ("synthetic", "DemoTTS"),
    ]
    for clip in clips:
        clean, rate = sf.read(tmp_path / "pool" / clip.clean_path)
        assert rate == 16_000
        assert clip.seconds == pytest.approx(len(clean) / 16_000, abs=1e-3)
        assert clip.seconds < 2.3  # the 0.4 s of leading silence was trimmed
        assert (tmp_path / "pool" / clip.aug_path).is_file() and clip.augmentation
        assert len(clip.commit) == 40 and len(clip.sha256) == 64
    again = pool_build.read_manifest(tmp_path / "pool" / "manifest.csv")
    assert [c.clip_id for c in again] == [c.clip_id for c in clips]


def test_the_catalogue_uses_no_reserved_repository() -> None:
    reserved = {"styletts2/styletts2.github.io", "neonbjb/tortoise-tts", "resemble-ai/Resemblyzer"}
    assert not reserved & {rule.repo for rule in pool_sources.RULES}
    assert all("styletts2" not in rule.pattern.lower() for rule in pool_sources.RULES)
