"""Audio detectors: seconds of audio analysed per second of compute, and live latency.

Runs each audio detector (AASIST, the Whisper-feature head, the ensemble) over real and
synthetic clips of the shared data's held-out test split, then feeds a real reading into
the streaming analyzer in 20 ms packets and reports the compute time of each 2 s window.
Models are loaded before timing; decoding and voice activity detection are included.

    .venv/bin/python bench/audio_detect.py [--clips 8] [--stream-seconds 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def clips(limit: int) -> list[Path]:
    from detection.engine.audio.train.dataset import read_manifest

    test = [c for c in read_manifest() if c.split == "test"]
    real = [c.path for c in test if c.label == 0]
    fake = [c.path for c in test if c.label == 1]
    half = max(limit // 2, 1)
    return real[:: max(len(real) // half, 1)][:half] + fake[:: max(len(fake) // half, 1)][:half]


def throughput(name: str, paths: list[Path]) -> tuple[float, float]:
    from detection.engine import registry
    from detection.engine.audio.loading import load_audio

    detector = registry.get_detector(name)
    audio_s = sum(load_audio(p).seconds for p in paths)
    start = time.perf_counter()
    for p in paths:
        detector.detect(p)
    compute_s = time.perf_counter() - start
    return audio_s, compute_s


def streaming(seconds: float) -> tuple[list[float], list[float]]:
    """Wall-clock latency of each speech window, and the CPU seconds this process spent."""
    from detection.engine.audio.loading import load_audio
    from detection.engine.audio.streaming import StreamingAudioAnalyzer
    from detection.engine.audio.train.dataset import read_manifest

    real = [c.path for c in read_manifest() if c.split == "test" and c.label == 0]
    voice = np.concatenate([load_audio(p).samples for p in real[:8]])
    voice = np.resize(voice, int(seconds * 16_000))
    pcm = (np.clip(voice, -1, 1) * 32767).astype(np.int16)
    analyzer = StreamingAudioAnalyzer(pcm_format="s16le")
    packet = 320  # 20 ms
    latencies: list[float] = []
    cpu_ms: list[float] = []
    for i in range(0, len(pcm), packet):
        cpu = time.process_time()
        done = analyzer.feed(pcm[i : i + packet].tobytes())
        cpu = (time.process_time() - cpu) * 1000
        if len(done) == 1 and done[0].speech:
            latencies.append(done[0].latency_ms)
            cpu_ms.append(cpu)
    return latencies, cpu_ms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clips", type=int, default=8)
    parser.add_argument("--stream-seconds", type=float, default=30.0)
    args = parser.parse_args()

    import torch

    from detection.engine import registry

    paths = clips(args.clips)
    print(f"torch threads: {torch.get_num_threads()}; {len(paths)} clips of the test split")
    for name in ("audio.aasist", "audio.whisper_head", "audio.ensemble"):
        registry.get_detector(name)  # load outside the timing
        registry.get_detector(name).detect(paths[0])  # warm-up
        audio_s, compute_s = throughput(name, paths)
        print(
            f"{name:20s} {audio_s:6.1f} s of audio in {compute_s:6.2f} s: "
            f"{audio_s / compute_s:6.2f} s of audio per compute second"
        )
    latencies, cpu_ms = streaming(args.stream_seconds)
    if latencies:
        ordered = sorted(latencies)
        p90 = ordered[int(0.9 * (len(ordered) - 1))]
        print(
            f"streaming 2 s window (speech, VAD + both members + fusion): "
            f"median {statistics.median(latencies):.0f} ms, p90 {p90:.0f} ms, "
            f"max {max(latencies):.0f} ms over {len(latencies)} windows "
            f"(a window is due every 1500 ms); CPU time per window "
            f"{statistics.median(cpu_ms):.0f} ms (all threads)"
        )
    print(f"load average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
