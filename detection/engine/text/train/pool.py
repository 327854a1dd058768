"""Build the wide text pool: public snapshots + shared data + packaged human text.

``build_pool(mirrors, out)`` writes ``out/pool.jsonl`` (one record per text, with label,
source, family, generator, domain, mode, licence and provenance) and ``out/manifest.json``
(per source: repository, commit, files with blob sha, licence, counts per label, family
and domain). The project commits only the manifest summary and this code; the texts stay
in ``out`` (``/work/datasets/text`` here), outside the project.

Rebuild: ``python manage.py build_text_pool --mirrors /work/.mirror --out /work/datasets/text``
with the snapshots named in ``pool_sources`` fetched into ``--mirrors``.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

from .pool_sources import READERS, PoolText

SHARED_FDG = Path(__file__).resolve().parents[5] / "shared" / "data" / "text" / "fastdetectgpt"
PROJECT_DATA = Path(__file__).resolve().parents[1] / "data"
MAX_WORDS = 1200  # longer texts are cut at a paragraph end; the scorer reads 512 tokens


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def text_id(text: str) -> str:
    return hashlib.sha256(normalise(text).encode()).hexdigest()[:16]


def clip(text: str, max_words: int = MAX_WORDS) -> str:
    if len(text.split()) <= max_words:
        return text
    out: list[str] = []
    for para in text.split("\n"):
        if len(" ".join(out).split()) + len(para.split()) > max_words and out:
            break
        out.append(para)
    return "\n".join(out)


def fast_detectgpt(data_dir: Path = SHARED_FDG) -> Iterator[PoolText]:
    """Fast-DetectGPT's XSum / WritingPrompts pairs (MIT) from ../shared."""
    for path in sorted(data_dir.glob("*.json")):
        domain_name, generator = path.stem.split("_", 1)
        domain = "news" if domain_name == "xsum" else "story"
        blob = path.read_bytes()
        sha = hashlib.sha256(blob).hexdigest()
        data = json.loads(blob)
        for label, key in (("human", "original"), ("ai", "sampled")):
            for i, text in enumerate(data[key]):
                human = label == "human"
                yield PoolText(
                    text=text.strip(),
                    label=label,
                    source=f"fdg-{domain_name}-human" if human else "fdg",
                    domain=domain,
                    family="human-web" if human else "openai",
                    generator="human" if human else generator,
                    mode="human" if human else "continuation",
                    licence="MIT (Fast-DetectGPT data, ../shared)",
                    repo="../shared/data/text/fastdetectgpt",
                    commit="",
                    path=path.name,
                    blob_sha=sha,
                    extra={"pair": f"{path.stem}/{i}"},
                )


def project_samples() -> Iterator[PoolText]:
    """The committed SmolLM2 samples (local generation) of the earlier ensemble."""
    path = PROJECT_DATA / "smollm2.jsonl"
    if not path.is_file():
        return
    blob = path.read_bytes()
    sha = hashlib.sha256(blob).hexdigest()
    for line in blob.decode().splitlines():
        row = json.loads(line)
        yield PoolText(
            text=row["text"].strip(),
            label="ai",
            source="smollm2-local",
            domain=row.get("domain", "mixed"),
            family="huggingface-smol",
            generator="SmolLM2-135M-Instruct",
            mode="free",
            licence="Apache-2.0 (generated here)",
            repo="project:detection/engine/text/data",
            commit="",
            path=path.name,
            blob_sha=sha,
        )


def all_texts(mirrors: Path) -> Iterator[tuple[str, PoolText]]:
    for name, reader in READERS.items():
        for item in reader(mirrors):
            yield name, item
    if SHARED_FDG.is_dir():
        for item in fast_detectgpt():
            yield "fast_detectgpt", item
    for item in project_samples():
        yield "smollm2", item
    generated = mirrors.parent / "datasets" / "text" / "generated.jsonl"
    yield from (("generated", t) for t in generated_texts(generated))


def generated_texts(path: Path) -> Iterator[PoolText]:
    """Texts generated offline here (``generate_pool_texts``): rewrites and continuations."""
    if not path.is_file():
        return
    for line in path.read_text().splitlines():
        row = json.loads(line)
        yield PoolText(**row)


def build_pool(mirrors: Path, out: Path) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    manifest: dict[str, Any] = defaultdict(
        lambda: {"files": {}, "counts": Counter(), "families": Counter(), "domains": Counter()}
    )
    kept = 0
    with (out / "pool.jsonl").open("w") as fh:
        for reader, item in all_texts(mirrors):
            item.text = clip(item.text)
            tid = text_id(item.text)
            if tid in seen:
                continue
            seen.add(tid)
            record = asdict(item) | {"id": tid, "reader": reader, "words": len(item.text.split())}
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            entry = manifest[item.source]
            entry["repo"], entry["commit"], entry["licence"] = item.repo, item.commit, item.licence
            entry["files"][item.path] = item.blob_sha
            entry["counts"][item.label] += 1
            entry["families"][f"{item.family}:{item.generator}"] += 1
            entry["domains"][item.domain] += 1
            kept += 1
    summary = {"texts": kept, "sources": {k: _plain(v) for k, v in sorted(manifest.items())}}
    (out / "manifest.json").write_text(json.dumps(summary, indent=1, sort_keys=True))
    return summary


def _plain(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: dict(v) if isinstance(v, Counter) else v for k, v in entry.items()}


def load_pool(out: Path) -> list[dict[str, Any]]:
    with (out / "pool.jsonl").open() as fh:
        return [json.loads(line) for line in fh]
