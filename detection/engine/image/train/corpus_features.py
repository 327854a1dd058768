"""Multi-layer CLIP features of the corpus, computed once per image and cached on disk.

    python -m detection.engine.image.train.corpus_features [--shard i/n]

Per image, two views, one forward pass each (a 2-core machine cannot afford every crop of
4,000+ images twice): the canonical view's crop at one of the positions inference uses
(chosen by the image's hash, so across the set every position is seen), and the degraded
view's centre crop (:mod:`..views`). The heads are linear, so an image's score at
inference (the mean over its crops) is the mean of per-crop scores of the kind trained on.
Stored per view: the 12 layers' class and mean patch tokens, the projected embedding;
for the canonical view also 16 single patch tokens of the last layer (to calibrate the
per-patch heatmap). Cache key: pipeline, degraded view, graph id, encoder sha256.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ... import settings
from .. import canonical, views
from ..clip_layers import GRAPH_ID, LayeredClipEncoder, verified_encoder
from ..validate import open_image
from .corpus_dataset import CorpusSample, load_corpus

log = logging.getLogger(__name__)
TOKENS_KEPT = 16


def cache_root() -> Path:
    return settings.current().image.features_dir


def features_dir(encoder_sha: str) -> Path:
    key = f"{canonical.PIPELINE_ID}-{views.VIEW_ID}-{GRAPH_ID}-{encoder_sha[:12]}"
    path = cache_root() / key
    path.mkdir(parents=True, exist_ok=True)
    return path


def _pick(sha: str, n: int, salt: str) -> int:
    return int(hashlib.sha256(f"{salt}:{sha}".encode()).hexdigest(), 16) % n


def image_features(encoder: LayeredClipEncoder, sample: CorpusSample) -> dict[str, np.ndarray]:
    opened = open_image(sample.path)
    canon = canonical.canonicalise(opened.image)
    boxes = canonical.crop_boxes(canon.width, canon.height)
    box = boxes[_pick(sample.sha256, len(boxes), "crop")]
    small = views.degraded(opened.image)
    tensor = np.concatenate(
        [
            canonical.to_clip_tensor(canon, [box]),
            canonical.to_clip_tensor(small, [views.centre_box(small)]),
        ]
    )
    enc = encoder.encode(tensor)
    rng = np.random.default_rng(_pick(sample.sha256, 2**32, "tokens"))
    kept = rng.choice(enc.tokens.shape[1], TOKENS_KEPT, replace=False)
    return {
        "layers": enc.layers.astype(np.float16),  # (2 views, 12, 2, 768)
        "embeds": enc.embeds.astype(np.float32),  # (2, 512)
        "tokens": enc.tokens[0, kept].astype(np.float16),  # (16, 768) canonical view
        "size": np.array([opened.width, opened.height]),
    }


def load(
    samples: Sequence[CorpusSample], encoder_sha: str, encoder: LayeredClipEncoder | None = None
) -> list[dict[str, np.ndarray] | None]:
    """Cached features of each sample; computed when missing and an encoder is given."""
    folder = features_dir(encoder_sha)
    out: list[dict[str, np.ndarray] | None] = []
    for sample in samples:
        cached = folder / f"{sample.sha256}.npz"
        if cached.is_file():
            with np.load(cached) as data:
                out.append({k: data[k] for k in data.files})
            continue
        if encoder is None:
            out.append(None)
            continue
        try:
            feats = image_features(encoder, sample)
        except Exception as exc:  # a broken data file is reported and skipped
            log.warning("skipping %s: %s", sample.path, exc)
            out.append(None)
            continue
        tmp = cached.with_name(cached.stem + ".tmp.npz")
        np.savez(tmp, **feats)  # type: ignore[arg-type]
        tmp.replace(cached)
        out.append(feats)
    return out


def interleaved(samples: Sequence[CorpusSample]) -> list[CorpusSample]:
    """Round-robin over groups (each group in sha256 order): a run stopped early still
    has every group, in proportion, rather than the first groups complete."""
    by_group: dict[str, list[CorpusSample]] = {}
    for s in sorted(samples, key=lambda s: s.sha256):
        by_group.setdefault(s.group, []).append(s)
    queues = [by_group[g] for g in sorted(by_group)]
    out: list[CorpusSample] = []
    for i in range(max(map(len, queues), default=0)):
        out += [q[i] for q in queues if i < len(q)]
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="cache multi-layer CLIP features of the corpus")
    parser.add_argument("--shard", default="0/1", help="i/n: every n-th sample from i")
    parser.add_argument("--group", default="", help="only this group (e.g. new aligned samples)")
    args = parser.parse_args()
    index, count = (int(v) for v in args.shard.split("/"))
    encoder = verified_encoder()
    print(f"CLIP session: {encoder.precision}")
    samples = [s for s in load_corpus() if not args.group or s.group == args.group]
    samples = interleaved(samples)[index::count]
    started = time.time()
    for i in range(0, len(samples), 50):
        load(samples[i : i + 50], encoder.sha256, encoder)
        rate = (i + 50) / max(1e-9, time.time() - started)
        print(f"{min(i + 50, len(samples))}/{len(samples)} ({rate:.2f} images/s)", flush=True)


if __name__ == "__main__":
    main()
