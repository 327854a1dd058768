"""Throughput of the default image detector (image.ensemble) on real and AI images.

    python bench/image_detect.py [--images 16] [--repeat 1]

Prints images per second at batch size 1 (one detect() per image) and 16 (detect_batch),
and the mean time per image of each stage: decode, provenance (C2PA, metadata, watermark),
canonicalise (resize + JPEG), encode (CLIP forward passes) and heads. Environment knobs:
DETECTION_IMAGE_WORKERS (parallel forward passes), DETECTION_IMAGE_THREADS (threads per pass).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def sample_images(n: int) -> list[Path]:
    import importlib.util

    def package_dir(name: str) -> Path:
        spec = importlib.util.find_spec(name)
        assert spec is not None and spec.submodule_search_locations
        return Path(spec.submodule_search_locations[0])

    sk = package_dir("skimage") / "data"
    paths = [sk / f for f in ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg")]
    paths += [
        package_dir("sklearn") / "datasets" / "images" / f for f in ("china.jpg", "flower.jpg")
    ]
    paths.append(package_dir("matplotlib") / "mpl-data" / "sample_data" / "grace_hopper.jpg")
    from detection.engine.image.train.dataset import data_dir, load_manifest

    if (data_dir() / "manifest.csv").is_file():
        paths += [s.path for s in load_manifest() if s.label == 1][::97][: max(0, n - len(paths))]
    return (paths * (n // len(paths) + 1))[:n]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    from detection.engine import registry
    from detection.engine import settings as engine_settings

    images = sample_images(args.images)
    t0 = time.perf_counter()
    detector = registry.get_detector("image.ensemble")
    detector.detect(images[0])  # warm-up: first pass allocates onnxruntime's buffers
    print(f"load + warm-up: {time.perf_counter() - t0:.1f} s")
    print(
        f"workers={engine_settings.current().image.parallel_passes()} "
        f"threads={engine_settings.current().image.threads} cpus={os.cpu_count()} "
        f"images={len(images)}"
    )
    stages: dict[str, list[float]] = {}
    for label, batch in (("batch 1", 1), ("batch 16", 16)):
        os.environ["DETECTION_IMAGE_MAX_BATCH"] = str(batch)
        engine_settings.use(None)  # the engine reads its settings again
        elapsed = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            if batch == 1:
                results = [detector.detect(p) for p in images]
            else:
                results = detector.detect_batch(images)
            elapsed.append(time.perf_counter() - start)
            for r in results:
                for stage, ms in r.evidence["timings_ms"].items():
                    stages.setdefault(f"{label}: {stage}", []).append(ms)
        best = min(elapsed)
        per_image_ms = best / len(images) * 1e3
        print(f"{label:9s}: {len(images) / best:6.2f} images/s ({per_image_ms:.0f} ms per image)")
    print("mean per-image stage times (ms):")
    for stage, values in stages.items():
        print(f"  {stage:26s} {statistics.mean(values):8.1f}")


if __name__ == "__main__":
    main()
