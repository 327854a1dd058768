"""Labelled texts for ``manage.py evaluate_text`` from JSON Lines or Fast-DetectGPT files."""

from __future__ import annotations

import json
from pathlib import Path

from ...errors import InputRejected
from ..limits import check_text
from .dataset import Item


def _item(text: object, label: object, source: str, domain: str, group: str) -> Item | None:
    if not isinstance(text, str) or label not in (0, 1, True, False):
        raise ValueError(f"{source}: each record needs a string 'text' and a 0/1 'label'")
    try:
        checked = check_text(text)
    except InputRejected:
        return None  # the detector would refuse it too (too short, not prose...)
    return Item(checked, int(label), source, domain, group, holdout=True)


def load_file(path: Path, limit: int = 0) -> list[Item]:
    items: list[Item | None] = []
    if path.suffix == ".jsonl":
        for k, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
            if not line.strip():
                continue
            record = json.loads(line)
            source = str(record.get("source") or path.stem)
            items.append(
                _item(
                    record.get("text"),
                    record.get("label"),
                    source,
                    str(record.get("domain", "")),
                    f"{path.name}:{k}",
                )
            )
    elif path.suffix == ".json":
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not {"original", "sampled"} <= set(data):
            raise ValueError(f"{path}: expected an object with 'original' and 'sampled' lists")
        domain = path.stem.partition("_")[0]
        seen: set[str] = set()
        for k, (human, ai) in enumerate(zip(data["original"], data["sampled"], strict=True)):
            for label, text in ((0, human), (1, ai)):
                item = _item(text, label, path.stem, domain, f"{path.name}:{k}")
                if item is not None and item.text not in seen:
                    seen.add(item.text)
                    items.append(item)
    else:
        raise ValueError(f"{path}: use .jsonl (text/label records) or .json (original/sampled)")
    kept = [it for it in items if it is not None]
    return kept[:limit] if limit else kept


def load_labelled(path: Path, limit: int = 0) -> list[Item]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".jsonl", ".json"))
        return [it for f in files for it in load_file(f, limit)]
    if not path.is_file():
        raise ValueError(f"{path} is neither a file nor a folder")
    return load_file(path, limit)
