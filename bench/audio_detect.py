"""Voice detection speed: a 30 s voice note end to end, and one 2 s live window.

The voice note is real speech from the shared data (or Debian's pocketsphinx-testdata)
joined to 30 s and written as a 16 kHz WAV; ``detect()`` runs on it ``--runs`` times
(decode, VAD, every member, fusion, calibration, source tracing), after one warm-up run.
Each member's share comes from the detector's own timings (``evidence.member_seconds``);
the rest is decoding, VAD and windowing. The live window is scored the way the live check
scores it (:class:`StreamingAudioAnalyzer`: VAD, Whisper encoder, spectral statistics,
live head, calibration), ``--windows`` times.

    .venv/bin/python bench/audio_detect.py [--runs 7] [--windows 20] [--detector audio.ensemble]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

POCKETSPHINX = Path("/usr/share/pocketsphinx/test/data/librivox")


def real_speech(seconds: float) -> np.ndarray:
    from detection.engine.audio.loading import load_audio

    paths: list[Path] = sorted(POCKETSPHINX.glob("*.wav"))
    if not paths:
        from detection.engine.audio.train.dataset import read_manifest

        paths = [c.path for c in read_manifest() if c.label == 0][:12]
    if not paths:
        raise SystemExit("no real speech found (install pocketsphinx-testdata or ../shared)")
    voice = np.concatenate([load_audio(p).samples for p in paths])
    return np.resize(voice, int(seconds * 16_000)).astype(np.float32)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(round(q * (len(ordered) - 1)), len(ordered) - 1)]


def voice_note(detector_name: str, runs: int) -> None:
    import soundfile as sf

    from detection.engine import registry

    detector = registry.get_detector(detector_name)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "note.wav"
        sf.write(path, real_speech(30.0), 16_000, subtype="PCM_16")
        detector.detect(path)  # warm-up: first-call costs (JIT, allocations)
        totals: list[float] = []
        shares: dict[str, list[float]] = {}
        for _ in range(runs):
            t = time.perf_counter()
            result = detector.detect(path)
            total = time.perf_counter() - t
            totals.append(total)
            members = result.evidence.get("member_seconds", {})
            for name, secs in members.items():
                shares.setdefault(name, []).append(secs)
            shares.setdefault("decode+VAD+rest", []).append(total - sum(members.values()))
    p50 = statistics.median(totals)
    print(
        f"30 s voice note, {detector_name}: p50 {p50:.2f} s, p90 {percentile(totals, 0.9):.2f} s "
        f"over {runs} runs (target <= 3 s p50)"
    )
    for name, secs in shares.items():
        med = statistics.median(secs)
        print(f"  {name:18s} {med:6.3f} s  {100 * med / p50:5.1f} %")


def live_window(windows: int) -> None:
    from detection.engine.audio.streaming import StreamingAudioAnalyzer

    voice = real_speech(2.0 * windows)
    analyzer = StreamingAudioAnalyzer(pcm_format="f32le")
    analyzer.feed(voice[:32_000])  # warm-up
    analyzer.flush()
    latencies: list[float] = []
    stages: dict[str, list[float]] = {}
    for k in range(windows):
        chunk = voice[k * 32_000 : (k + 1) * 32_000]
        t = time.perf_counter()
        done = analyzer.feed(chunk) + analyzer.flush()
        latencies.append((time.perf_counter() - t) * 1000)
        for name, ms in (done[0].timings if done else {}).items():
            stages.setdefault(name, []).append(ms)
    p50 = statistics.median(latencies)
    print(
        f"2 s live window: p50 {p50:.0f} ms, p90 {percentile(latencies, 0.9):.0f} ms over "
        f"{windows} windows (target <= 300 ms)"
    )
    for name, ms in stages.items():
        med = statistics.median(ms)
        print(f"  {name:18s} {med:6.1f} ms  {100 * med / p50:5.1f} %")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--windows", type=int, default=20)
    parser.add_argument("--detector", default="audio.ensemble")
    args = parser.parse_args()

    import torch

    print(f"torch threads: {torch.get_num_threads()}; load average {os.getloadavg()[0]:.1f}")
    voice_note(args.detector, args.runs)
    live_window(args.windows)
    print(f"load average after: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
