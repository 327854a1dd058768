"""Cost of the CPU-independent settings, per model: time per input with the fix on and off.

    python bench/cpu_consistency.py [--runs 5]

Issue 10 chose one setting per model so that every CPU gives the golden outputs:
- image, the INT8 CLIP tower: ``session.x64quantprecision=1`` ("exact") against the
  default integer kernels ("fast"), per 224 px crop and per image (canonical crops + the
  degraded view, as the image detectors encode them); and how far apart their embeddings
  are on this CPU (on CPUs with VNNI they are bit-identical, so ``auto`` keeps "fast");
- text, Gemma 3 270M: bfloat16 (native where the CPU has AVX512-BF16/AMX) against float32,
  per text, with the calibrated probability each gives on the golden text;
- audio, the Whisper-base encoder (CTranslate2): float32 (what runs) against int8, per
  3.3 s clip, with the cosine between their pooled features.
Times are medians of ``--runs`` calls after one warm-up; the machine is shared, so the load
average is printed with them. Numbers measured under emulation are not timings.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def median_ms(fn: Callable[[], Any], runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    return statistics.median(times)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel(), b.ravel()
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def image(runs: int) -> None:
    from PIL import Image

    from detection.engine import golden
    from detection.engine.image import canonical, clip_features
    from detection.engine.image.clip_layers import LayeredClipEncoder

    photo = golden.inputs()[0].path
    assert photo is not None
    img = Image.open(photo).convert("RGB")
    canon = canonical.canonicalise(img)
    crop = canonical.to_clip_tensor(canon, canonical.crop_boxes(canon.width, canon.height)[:1])
    for name, precise in (("exact (x64quantprecision=1)", True), ("fast (default)", False)):
        enc = LayeredClipEncoder(precise=precise)
        per_crop = median_ms(lambda e=enc: e.encode(crop), runs)
        per_image = median_ms(lambda e=enc: clip_features.extract(e, [img]), max(1, runs // 2))
        emb = enc.encode(crop).embeds[0]
        if precise:
            ref = emb
        print(
            f"image.clip  {name:30s} {per_crop:8.1f} ms/crop {per_image:8.1f} ms/image  "
            f"cosine to exact {cosine(emb, ref):.6f}"
        )


def text(runs: int) -> None:
    import dataclasses

    from detection.engine import golden, settings
    from detection.engine.text.zero_shot import ZeroShotTextDetector

    for dtype in ("bfloat16", "float32"):
        s = dataclasses.replace(settings.current().text, dtype=dtype)
        detector = ZeroShotTextDetector(settings=s)
        detector.load()
        per_text = median_ms(lambda d=detector: d.detect(golden.FIXED_TEXT), runs)
        p = detector.detect(golden.FIXED_TEXT).probability_ai
        print(f"text.lm     {dtype:30s} {per_text:8.1f} ms/text   P(AI) on the golden text {p:.4f}")
        del detector


def audio(runs: int) -> None:
    import soundfile as sf

    from detection.engine import golden
    from detection.engine.audio.whisper_encoder import WhisperEncoder

    clip = next(i for i in golden.inputs() if i.modality == "audio").path
    if clip is None or not clip.is_file():
        print(f"audio       skipped: {clip} absent (../shared/data/audio)")
        return
    samples, rate = sf.read(str(clip), dtype="float32")
    assert rate == 16_000, rate
    ref = None
    for compute_type in ("float32", "int8"):
        enc = WhisperEncoder(threads=1, compute_type=compute_type)
        per_clip = median_ms(lambda e=enc: e.embed(samples), runs)
        emb = enc.embed(samples)
        ref = emb if ref is None else ref
        print(
            f"audio.whisper {compute_type:28s} {per_clip:8.1f} ms/clip   "
            f"cosine to float32 {cosine(emb, ref):.6f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=("image", "text", "audio"), action="append")
    args = parser.parse_args()
    from detection.engine import runtime_facts

    features = runtime_facts.cpu_features()
    print(f"cpu: {runtime_facts.cpu_model()}; " + ", ".join(k for k, v in features.items() if v))
    print(f"load average: {os.getloadavg()}")
    for name, fn in (("image", image), ("text", text), ("audio", audio)):
        if not args.only or name in args.only:
            fn(args.runs)
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
