"""Build the wider labelled image corpus from fetched repository snapshots (offline).

    python -m detection.engine.image.train.corpus build --mirrors /work/.mirror \
        --out /work/datasets/image/corpus
    python -m detection.engine.image.train.corpus aligned --out /work/datasets/image/corpus \
        --taesd /work/datasets/image/weights

``build`` takes the files :mod:`.corpus_sources` names out of each snapshot (a bare git
directory ``<mirrors>/<owner>+<name>/repo``) at the pinned commit, drops duplicates (by
sha256, also against ``../shared/data/image``), files that do not decode, animations and
images under 128 px, subsamples large sources deterministically, and writes the images and
``manifest.csv``. ``aligned`` adds, for up to ``--per-group`` photos of every trainable real
group (the shared set's ImageNet photos included), the photo's FLUX.2-VAE reconstruction
(:mod:`.tiny_autoencoder`), labelled AI, group ``aligned-flux2-taef2``, and the real
group it came from in ``content_group`` so that holding out a real source also holds out
its reconstructions. The committed copy of the manifest is ``data/corpus_manifest.csv``.
"""

from __future__ import annotations

import argparse
import csv
import fnmatch
import hashlib
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
from PIL import Image

from .corpus_sources import SOURCES, Source
from .dataset import data_dir, load_manifest

FIELDS = [
    "label",
    "group",
    "generator",
    "role",
    "repo",
    "commit",
    "path",
    "sha256",
    "licence",
    "nc",
    "width",
    "height",
    "content_group",
    "file",
]
ALIGNED_GROUP = "aligned-flux2-taef2"
MIN_SIDE = 128
COMMITTED = Path(__file__).resolve().parent / "data" / "corpus_manifest.csv"


def _git_dir(mirrors: Path, repo: str) -> Path:
    base = mirrors / repo.replace("/", "+") / "repo"
    return base / ".git" if (base / ".git").is_dir() else base


def _listing(git_dir: Path, commit: str) -> list[tuple[str, int, str]]:
    out = subprocess.run(  # noqa: S603 - fixed argv, our own snapshot paths
        ["git", f"--git-dir={git_dir}", "ls-tree", "-r", "-l", commit],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rows = []
    for line in out.splitlines():
        meta, path = line.split("\t", 1)
        _, kind, blob, size = meta.split()
        if kind == "blob" and size.isdigit():
            rows.append((path, int(size), blob))
    return rows


def _blob(git_dir: Path, blob: str) -> bytes | None:
    argv = ["git", f"--git-dir={git_dir}", "cat-file", "blob", blob]
    done = subprocess.run(argv, capture_output=True)  # noqa: S603 - our own snapshot paths
    return done.stdout if done.returncode == 0 else None  # absent: LFS or over the size cap


def _matches(path: str, source: Source) -> bool:
    if not any(fnmatch.fnmatch(path, pattern) for pattern in source.include):
        return False
    return not any(fnmatch.fnmatch(path, pattern) for pattern in source.exclude)


def _ui_screen(img: Image.Image) -> bool:
    """A screenshot of a node editor: mostly flat dark grey (ComfyUI's canvas)."""
    a = np.asarray(img.convert("RGB").resize((256, 256)), dtype=np.int16)
    flat = (np.abs(a[..., 0] - a[..., 1]) < 6) & (np.abs(a[..., 1] - a[..., 2]) < 6)
    return bool((flat & (a[..., 0] > 15) & (a[..., 0] < 60)).mean() > 0.3)


_SUFFIX = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp", "BMP": ".bmp"}


def _suffix(data: bytes, path: str) -> str:
    """The extension of the bytes' real format (some repositories name PNGs .jpg)."""
    with Image.open(io.BytesIO(data)) as img:
        return _SUFFIX.get(img.format or "", Path(path).suffix.lower())


def _decodable(data: bytes, source: Source) -> tuple[int, int] | None:
    try:
        with Image.open(io.BytesIO(data)) as img:
            if getattr(img, "n_frames", 1) > 1:
                return None
            img.load()
            w, h = img.size
            if min(w, h) < MIN_SIDE:
                return None
            if source.max_aspect and max(w, h) / min(w, h) > source.max_aspect:
                return None
            if source.drop_ui_screens and _ui_screen(img):
                return None
            return img.size
    except Exception:  # anything Pillow cannot open is not in the corpus
        return None


def _row(source: Source, path: str, digest: str, size: tuple[int, int], file: str) -> dict:
    return {
        "label": source.label,
        "group": source.group,
        "generator": source.generator,
        "role": source.role,
        "repo": source.repo,
        "commit": source.commit,
        "path": path,
        "sha256": digest,
        "licence": source.licence,
        "nc": int(source.nc),
        "width": size[0],
        "height": size[1],
        "content_group": source.group,
        "file": file,
    }


def build(mirrors: Path, out: Path) -> list[dict]:
    seen = {s.sha256 for s in load_manifest()} if (data_dir() / "manifest.csv").is_file() else set()
    rows: list[dict] = []
    for source in SOURCES:
        git_dir = _git_dir(mirrors, source.repo)
        picked = []
        for path, size, blob in _listing(git_dir, source.commit):
            if size < source.min_bytes or not _matches(path, source):
                continue
            data = _blob(git_dir, blob)
            if data is None:
                continue
            digest = hashlib.sha256(data).hexdigest()
            if digest in seen:
                continue
            dims = _decodable(data, source)
            if dims is None:
                continue
            seen.add(digest)
            picked.append((digest, path, data, dims))
        picked.sort()  # by sha256: a deterministic subsample
        for digest, path, data, dims in picked[: source.limit]:
            file = f"{source.group}/{digest[:20]}{_suffix(data, path)}"
            (out / source.group).mkdir(parents=True, exist_ok=True)
            (out / file).write_bytes(data)
            rows.append(_row(source, path, digest, dims, file))
        print(f"{source.repo} -> {source.group}: {min(len(picked), source.limit or 10**9)}")
    return rows


def write_manifest(rows: list[dict], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def read_manifest(path: Path) -> list[dict]:
    with path.open(newline="") as fh:
        return list(csv.DictReader(fh))


def aligned(
    out: Path, taesd: Path, per_group: int, per_face_group: int, short_side: int
) -> list[dict]:
    import torch

    from .tiny_autoencoder import TinyAutoencoder

    torch.set_num_threads(1)
    ae = TinyAutoencoder(taesd)
    rows = [r for r in read_manifest(out / "manifest.csv") if r["group"] != ALIGNED_GROUP]
    for r in rows:  # files renamed to their real format since the manifest was written
        if not (out / r["file"]).is_file():
            hits = list((out / r["file"]).parent.glob(Path(r["file"]).stem + ".*"))
            if len(hits) == 1:
                r["file"] = str(hits[0].relative_to(out))
    photos: list[tuple[str, str, Path]] = [
        (r["group"], r["sha256"], out / r["file"])
        for r in rows
        if r["label"] == "real" and r["role"] == "train"
    ]
    photos += [
        ("imagenet-shared", s.sha256, s.path)
        for s in load_manifest()
        if s.label == 0 and s.family == "real-photos"
    ]
    by_group: dict[str, list[tuple[str, str, Path]]] = {}
    for item in sorted(photos, key=lambda p: p[1]):
        by_group.setdefault(item[0], []).append(item)
    made = []
    (out / ALIGNED_GROUP).mkdir(parents=True, exist_ok=True)
    # Faces first and more of them: "a face means AI" is the shortcut these samples break.
    order = sorted(by_group.items(), key=lambda kv: (not kv[0].startswith("faces-"), kv[0]))
    for group, items in order:
        quota = per_face_group if group.startswith("faces-") else per_group
        for _, digest, path in items[:quota]:
            file = f"{ALIGNED_GROUP}/{digest[:20]}.png"
            target = out / file
            if not target.is_file():
                with Image.open(path) as img:
                    rgb = img.convert("RGB")
                scale = min(1.0, short_side / min(rgb.size))
                if scale < 1.0:
                    size = (round(rgb.width * scale), round(rgb.height * scale))
                    rgb = rgb.resize(size, Image.Resampling.BICUBIC)
                ae.reconstruct(rgb).save(target)
            with Image.open(target) as done:
                dims = done.size
            made.append(
                {
                    "label": "ai",
                    "group": ALIGNED_GROUP,
                    "generator": "FLUX.2 VAE reconstruction (taef2) of a real photo",
                    "role": "train",
                    "repo": "madebyollin/taesd",
                    "commit": "5cccb12dc72074a4be35680c3b108548a7c69978",
                    "path": f"taef2 of sha256:{digest}",
                    "sha256": hashlib.sha256(target.read_bytes()).hexdigest(),
                    "licence": "MIT (autoencoder); the photo's own licence",
                    "nc": 1,
                    "width": dims[0],
                    "height": dims[1],
                    "content_group": group,
                    "file": file,
                }
            )
        print(f"aligned {group}: {min(quota, len(items))}", flush=True)
    return rows + made


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build")
    b.add_argument("--mirrors", type=Path, required=True)
    b.add_argument("--out", type=Path, required=True)
    a = sub.add_parser("aligned")
    a.add_argument("--out", type=Path, required=True)
    a.add_argument("--taesd", type=Path, required=True)
    a.add_argument("--per-group", type=int, default=6)
    a.add_argument("--per-face-group", type=int, default=30)
    a.add_argument("--short-side", type=int, default=256)
    args = parser.parse_args(argv)
    if args.command == "build":
        rows = build(args.mirrors, args.out)
    else:
        rows = aligned(args.out, args.taesd, args.per_group, args.per_face_group, args.short_side)
    write_manifest(rows, args.out / "manifest.csv")
    print(f"{len(rows)} rows -> {args.out / 'manifest.csv'}", file=sys.stderr)


if __name__ == "__main__":
    main()
