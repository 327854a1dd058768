"""The pool readers on small bare git repositories laid out like the real snapshots."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from detection.engine.text.train import pool_sources
from detection.engine.text.train.pool import build_pool, clip, text_id

HUMAN = [
    "I went to the shop on tuesday and they had no bread left, which was annoying because "
    "I had promised my sister a sandwich. The man at the counter said try again tomorrow. "
    "So I walked home in the rain and made soup instead, it was fine honestly."
]
AI = [
    "On Tuesday, I visited the shop, only to discover that the bread had sold out. This was "
    "frustrating, as I had promised my sister a sandwich. The clerk suggested returning the "
    "next day, so I walked home through the rain and prepared a comforting soup instead."
]


def _bare_repo(root: Path, repo: str, files: dict[str, str]) -> str:
    work = root / "work" / repo.replace("/", "+")
    work.mkdir(parents=True)
    for path, text in files.items():
        (work / path).parent.mkdir(parents=True, exist_ok=True)
        (work / path).write_text(text)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@t.invalid"]
    subprocess.run([*git, "init", "-q", str(work)], check=True)
    subprocess.run([*git, "-C", str(work), "add", "."], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "-q", "-m", "data"], check=True)
    bare = root / "mirrors" / repo.replace("/", "+") / "repo"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    return subprocess.run(
        ["git", "--git-dir", str(bare), "rev-parse", "HEAD"], capture_output=True, text=True
    ).stdout.strip()


def test_l2r_reader_labels_rewrites_and_originals_with_family_and_domain(tmp_path: Path) -> None:
    commit = _bare_repo(
        tmp_path,
        "ranhli/l2r_data",
        {
            "ProductReview/human.json": json.dumps(HUMAN),
            "ProductReview/GPT-4o.json": json.dumps(AI),
        },
    )
    items = list(pool_sources.l2r(tmp_path / "mirrors"))
    by_label = {it.label: it for it in items}
    assert set(by_label) == {"human", "ai"}
    ai = by_label["ai"]
    assert (ai.family, ai.generator, ai.mode, ai.domain) == (
        "openai",
        "gpt-4o",
        "rewrite",
        "review",
    )
    assert ai.commit == commit and ai.path == "ProductReview/GPT-4o.json" and ai.blob_sha
    assert by_label["human"].source == "l2r-human" and by_label["human"].family == "human-web"


def test_missing_snapshot_is_skipped_not_an_error(tmp_path: Path) -> None:
    assert list(pool_sources.alpaca_eval(tmp_path)) == []


def test_alpaca_reader_keeps_prose_and_sorts_instructions_into_domains(tmp_path: Path) -> None:
    rows = [
        {"instruction": "Write an email to my landlord", "output": AI[0] * 2, "generator": "x"},
        {"instruction": "Sort a list in Python", "output": "```python\nx.sort()\n```" + AI[0]},
    ]
    _bare_repo(
        tmp_path,
        "tatsu-lab/alpaca_eval",
        {"results/claude-2.1/model_outputs.json": json.dumps(rows)},
    )
    items = list(pool_sources.alpaca_eval(tmp_path / "mirrors"))
    assert [(it.family, it.domain) for it in items] == [("anthropic", "email")]


def test_build_pool_deduplicates_and_writes_a_manifest(tmp_path: Path) -> None:
    _bare_repo(
        tmp_path,
        "ranhli/l2r_data",
        {
            "ProductReview/human.json": json.dumps(HUMAN * 2),
            "ProductReview/GPT-4o.json": json.dumps(AI),
        },
    )
    summary = build_pool(tmp_path / "mirrors", tmp_path / "out")
    assert summary["sources"]["l2r-human"]["counts"] == {"human": 1}
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert "ProductReview/GPT-4o.json" in manifest["sources"]["l2r"]["files"]
    lines = (tmp_path / "out" / "pool.jsonl").read_text().splitlines()
    assert {json.loads(x)["id"] for x in lines} >= {text_id(HUMAN[0]), text_id(AI[0])}


def test_clip_cuts_long_texts_at_a_paragraph_end() -> None:
    text = "\n".join(["word " * 100] * 20)
    assert len(clip(text, 250).split()) <= 250
