"""Speed of the default image detector (image.ensemble), end to end.

    python bench/image_detect.py [--runs 7] [--throughput]

The headline: one 12-megapixel JPEG (4000 x 3000, quality 90, the size a phone camera
writes; made here by enlarging a real photo that scikit-learn ships) through
``registry.get_detector("image.ensemble").detect`` — decode, provenance (C2PA, metadata,
watermark), canonicalise, CLIP passes (canonical crops + the degraded view), heads — as the
median (p50) and p90 of ``--runs`` calls, and each stage's share of the median call.
``--throughput`` adds images per second at batch sizes 1 and 16 on packaged photos.
Knobs: DETECTION_IMAGE_WORKERS (parallel passes), DETECTION_IMAGE_THREADS (threads per
pass), DETECTION_IMAGE_MAX_CROPS (canonical crops per image). Print the load average with
the figures: this machine is shared.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations
    return Path(spec.submodule_search_locations[0])


def phone_photo(folder: Path) -> Path:
    from PIL import Image

    path = folder / "phone_12mp.jpg"
    src = Image.open(package_dir("sklearn") / "datasets" / "images" / "china.jpg")
    src.resize((4000, 3000), Image.Resampling.BICUBIC).save(path, quality=90)
    return path


def packaged_photos() -> list[Path]:
    sk = package_dir("skimage") / "data"
    paths = [sk / f for f in ("astronaut.png", "chelsea.png", "coffee.png", "rocket.jpg")]
    paths += [
        package_dir("sklearn") / "datasets" / "images" / f for f in ("china.jpg", "flower.jpg")
    ]
    paths.append(package_dir("matplotlib") / "mpl-data" / "sample_data" / "grace_hopper.jpg")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--throughput", action="store_true")
    args = parser.parse_args()
    from detection.engine import registry
    from detection.engine import settings as engine_settings

    t0 = time.perf_counter()
    detector = registry.get_detector("image.ensemble")
    with tempfile.TemporaryDirectory() as tmp:
        photo = phone_photo(Path(tmp))
        detector.detect(photo)  # warm-up: onnxruntime allocates its buffers on the first pass
        print(f"load + warm-up: {time.perf_counter() - t0:.1f} s")
        image = engine_settings.current().image
        from detection.engine.image.clip_layers import shared_encoder

        print(f"CLIP session: {shared_encoder().precision}")
        print(
            f"workers={image.parallel_passes()} threads={image.threads} "
            f"crops={image.max_crops} cpus={os.cpu_count()} "
            f"load average={os.getloadavg()[0]:.1f}"
        )
        walls, stages = [], []
        for _ in range(args.runs):
            start = time.perf_counter()
            result = detector.detect(photo)
            walls.append((time.perf_counter() - start) * 1e3)
            stages.append(result.evidence["timings_ms"])
    order = sorted(range(len(walls)), key=walls.__getitem__)
    median = order[len(order) // 2]
    p90 = sorted(walls)[min(len(walls) - 1, round(0.9 * (len(walls) - 1)))]
    print(f"12 MP JPEG end to end: p50 {walls[median]:.0f} ms, p90 {p90:.0f} ms ({args.runs} runs)")
    print(f"  verdict {result.verdict}, P(AI) {result.probability_ai:.3f}")
    print("  stages of the median run (ms, share of the wall time):")
    for stage, ms in stages[median].items():
        print(f"    {stage:14s} {ms:8.1f}  {ms / walls[median]:6.1%}")
    if args.throughput:
        images = packaged_photos() * 2
        for label, batch in (("batch 1", 1), ("batch 16", 16)):
            os.environ["DETECTION_IMAGE_MAX_BATCH"] = str(batch)
            engine_settings.use(None)  # the engine reads its settings again
            start = time.perf_counter()
            if batch == 1:
                for p in images:
                    detector.detect(p)
            else:
                detector.detect_batch(images)
            took = time.perf_counter() - start
            print(f"{label:9s}: {len(images) / took:6.2f} images/s")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
