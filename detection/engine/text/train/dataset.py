"""The ensemble's labelled texts: where each source lives and how it is split (stdlib only).

Sources (see ``data/README.md`` for provenance and licences):

- ``fdg_<domain>_<generator>``: the Fast-DetectGPT files in ``../shared/data/text/fastdetectgpt``
  (read there, never copied). Split by pair index with the zero-shot calibration's own
  hold-out pairs, so nothing the zero-shot member was calibrated on is evaluated.
- ``lee``: 300 pre-LLM news paragraphs (the Lee corpus shipped in the gensim wheel).
- ``perl_doc``: prose paragraphs of the Perl manual pages (Debian ``perl-doc``).
- ``python_doc``: prose paragraphs of the Python 3.11 documentation (Debian ``python3.11-doc``).
- ``fortune``: quotations of 40+ words (Debian ``fortunes``/``fortunes-min``).
- ``assistant_style``: paragraphs in the style of current assistant models, written for this
  project by the AI model that built the ensemble (``data/assistant_style.txt``).
- ``smollm2``: text sampled offline from SmolLM2-135M-Instruct (``data/smollm2.jsonl``).

Every source except the Fast-DetectGPT files is split per (source, domain) by a stable hash
of the text: about ``HOLDOUT_SHARE`` of each is held out and never trained or calibrated on.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ...weights import PROJECT_ROOT, cache_dir
from ..limits import count_words, normalise
from .fastdetectgpt import DEFAULT_DATA_DIR, FILES, holdout_pairs

TEXT_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = TEXT_DIR / "data"
HOLDOUT_SHARE = 0.35
MAX_WORDS = 130  # longer texts are cut at a sentence end near here (keeps scoring cheap)
MIN_WORDS = 40  # the detector's own minimum (limits.MIN_WORDS)

# The zero-shot calibration's split (calibrate_text defaults); read from its file if present.
ZERO_SHOT_HOLDOUT = (0.4, 20240501)

LEE_NAMES = ("lee_background.cor",)
PERL_POD_DIRS = (Path("/usr/share/perl"),)
PYTHON_DOC_DIR = Path("/usr/share/doc/python3.11-doc/html")
FORTUNE_DIR = Path("/usr/share/games/fortunes")
FORTUNE_FILES = ("literature", "wisdom", "people", "politics", "education", "science", "work")


@dataclass(frozen=True)
class Item:
    text: str
    label: int  # 1 = AI-written, 0 = human-written
    source: str
    domain: str
    group: str  # the split unit: texts of one group are always on one side
    holdout: bool

    @property
    def key(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


def _hash_share(value: str) -> float:
    return int(hashlib.sha256(value.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF


def clip_words(text: str, max_words: int = MAX_WORDS) -> str:
    """The text cut after the last sentence end before ``max_words`` words (or at the limit)."""
    text = normalise(text)
    words = list(re.finditer(r"\S+", text))
    if len(words) <= max_words:
        return text
    cut = words[max_words - 1].end()
    head = text[:cut]
    ends = [m.end() for m in re.finditer(r"[.!?][\"')\]]?(?=\s)", head)]
    if ends and ends[-1] > cut // 2:
        return head[: ends[-1]]
    return head


def _split(items: list[tuple[str, str, str]], label: int, source: str) -> list[Item]:
    """(text, domain, group) triples, split per domain by a stable hash of the group."""
    out = []
    for text, domain, group in items:
        held = _hash_share(f"{source}|{group}") < HOLDOUT_SHARE
        out.append(Item(text, label, source, domain, group, held))
    return out


def _keep(text: str) -> str | None:
    text = clip_words(text)
    return text if count_words(text) >= MIN_WORDS else None


# -- human sources -----------------------------------------------------------------------


def lee_path() -> Path | None:
    """The Lee corpus: from an installed gensim, else the copy extracted into the cache."""
    import importlib.util

    spec = importlib.util.find_spec("gensim")
    candidates = []
    if spec is not None and spec.submodule_search_locations:
        candidates += [Path(p) / "test" / "test_data" for p in spec.submodule_search_locations]
    candidates.append(cache_dir() / "text" / "sources")
    for folder in candidates:
        for name in LEE_NAMES:
            if (folder / name).is_file():
                return folder / name
    return None


def lee_items() -> list[Item]:
    path = lee_path()
    if path is None:
        return []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    triples = []
    for i, line in enumerate(lines):
        kept = _keep(line)
        if kept:
            triples.append((kept, "news", f"lee{i}"))
    return _split(triples, 0, "lee")


_POD_CODE = re.compile(r"[BICFLSEXZ]<+\s*(.*?)\s*>+", re.S)


def _pod_paragraphs(text: str) -> Iterator[str]:
    in_block = False
    for para in re.split(r"\n\s*\n", text):
        if para.startswith("=begin"):
            in_block = True
        if para.startswith("=end"):
            in_block = False
            continue
        if in_block or para.startswith(("=", " ", "\t")):
            continue  # commands, verbatim code and =begin/=end blocks are not prose
        prose = _POD_CODE.sub(lambda m: m.group(1).split("|")[0], para)
        prose = _POD_CODE.sub(lambda m: m.group(1), prose)  # nested codes
        yield " ".join(prose.split())


def perl_doc_items(limit_per_file: int = 4) -> list[Item]:
    triples = []
    for root in PERL_POD_DIRS:
        for pod in sorted(root.glob("*/pod/perl*.pod")):
            if pod.name == "perldiag.pod":
                continue  # error message catalogue, not prose
            kept = 0
            for j, para in enumerate(_pod_paragraphs(pod.read_text("utf-8", "replace"))):
                text = _keep(para)
                if text and _looks_like_prose(text):
                    triples.append((text, "docs", f"{pod.stem}:{j}"))
                    kept += 1
                    if kept >= limit_per_file:
                        break
    return _split(_dedupe(triples), 0, "perl_doc")


class _Paragraphs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.depth, self.skip, self.buf = 0, 0, [""]
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "p":
            self.depth += 1
            self.buf = [""]
        if tag in ("pre", "code", "script", "style"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("pre", "code", "script", "style") and self.skip:
            self.skip -= 1
        if tag == "p" and self.depth:
            self.depth -= 1
            self.out.append(" ".join("".join(self.buf).split()))

    def handle_data(self, data: str) -> None:
        if self.depth:
            # Inline code stays as text: documentation prose names functions inline.
            self.buf.append(data)


def python_doc_items(limit_per_file: int = 3) -> list[Item]:
    triples = []
    for page in sorted(PYTHON_DOC_DIR.glob("*/*.html")):
        if page.parent.name not in ("tutorial", "library", "howto", "reference", "faq"):
            continue
        parser = _Paragraphs()
        parser.feed(page.read_text("utf-8", "replace"))
        kept = 0
        for j, para in enumerate(parser.out):
            text = _keep(html.unescape(para).replace("\u00b6", ""))
            if text and _looks_like_prose(text):
                triples.append((text, "docs", f"{page.parent.name}/{page.stem}:{j}"))
                kept += 1
                if kept >= limit_per_file:
                    break
    return _split(_dedupe(triples), 0, "python_doc")


def fortune_items() -> list[Item]:
    triples = []
    for name in FORTUNE_FILES:
        path = FORTUNE_DIR / name
        if not path.is_file():
            continue
        for j, entry in enumerate(path.read_text("utf-8", "replace").split("\n%\n")):
            text = _keep(" ".join(entry.split()))
            if text and _looks_like_prose(text):
                triples.append((text, "quote", f"{name}:{j}"))
    return _split(_dedupe(triples), 0, "fortune")


def _looks_like_prose(text: str) -> bool:
    letters = sum(c.isalpha() for c in text)
    return letters > 0.7 * len(text.replace(" ", "")) and text.count(". ") >= 1


def _dedupe(triples: Iterable[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    seen: set[str] = set()
    out = []
    for t in triples:
        if t[0] not in seen:
            seen.add(t[0])
            out.append(t)
    return out


# -- AI-written sources --------------------------------------------------------------------


def assistant_style_items(path: Path | None = None) -> list[Item]:
    path = path or DATA_DIR / "assistant_style.txt"
    domain, triples = "", []
    for k, block in enumerate(re.split(r"\n\s*\n", path.read_text(encoding="utf-8"))):
        for line in block.splitlines():
            if line.startswith("### "):
                domain = line[4:].strip()
        body = "\n".join(ln for ln in block.splitlines() if not ln.startswith("#")).strip()
        if body and domain:
            kept = _keep(body)
            if kept:
                triples.append((kept, domain, f"a{k}"))
    return _split(triples, 1, "assistant_style")


def jsonl_items(path: Path, source: str | None = None) -> list[Item]:
    triples, labels = [], set()
    for k, line in enumerate(path.read_text(encoding="utf-8").splitlines()):
        if not line.strip():
            continue
        record = json.loads(line)
        kept = _keep(str(record["text"]))
        if kept:
            triples.append((kept, str(record.get("domain", "")), f"{k}"))
            labels.add(int(record["label"]))
    if not triples:
        return []
    if len(labels) != 1:
        raise ValueError(f"{path}: expected one label per generated file, got {labels}")
    return _split(triples, labels.pop(), source or path.stem)


def smollm2_items() -> list[Item]:
    path = DATA_DIR / "smollm2.jsonl"
    return jsonl_items(path, "smollm2") if path.is_file() else []


# -- Fast-DetectGPT ------------------------------------------------------------------------


def zero_shot_split() -> tuple[float, int]:
    calibration = TEXT_DIR / "calibration" / "zero_shot.json"
    if calibration.is_file():
        split = json.loads(calibration.read_text()).get("provenance", {}).get("split", {})
        if "holdout_fraction" in split and "seed" in split:
            return float(split["holdout_fraction"]), int(split["seed"])
    return ZERO_SHOT_HOLDOUT


def fdg_items(
    data_dir: Path | None = None, train_pairs: int = 20, holdout_pairs_per_file: int = 15
) -> list[Item]:
    """A subset of the Fast-DetectGPT pairs: ``train_pairs`` calibration pairs and
    ``holdout_pairs_per_file`` of the zero-shot calibration's hold-out pairs, per file."""
    data_dir = data_dir or DEFAULT_DATA_DIR
    if not (data_dir / f"{FILES[0]}.json").is_file():
        return []
    fraction, seed = zero_shot_split()
    held = holdout_pairs(fraction, seed)
    train_idx = [i for i in range(150) if i not in held][:train_pairs]
    hold_idx = sorted(held)[:holdout_pairs_per_file]
    out: list[Item] = []
    seen: set[str] = set()
    for name in FILES:
        data = json.loads((data_dir / f"{name}.json").read_text(encoding="utf-8"))
        domain = name.partition("_")[0]
        for idx, holdout in [(i, False) for i in train_idx] + [(i, True) for i in hold_idx]:
            for label, text in ((0, data["original"][idx]), (1, data["sampled"][idx])):
                kept = _keep(text)
                if kept is None or kept in seen:
                    continue  # a human text repeated across files keeps its first place
                seen.add(kept)
                # Human texts recur across a domain's files: one source per domain for them.
                source = f"fdg_{name}" if label else f"fdg_{domain}_human"
                out.append(Item(kept, label, source, domain, f"pair{idx}", holdout))
    return out


# Texts kept per human source and split (train, hold-out): the packaged human sources
# have hundreds of paragraphs, but each text costs a Gemma pass on a 2-core machine.
HUMAN_CAPS = {
    "lee": (50, 20),
    "perl_doc": (40, 20),
    "python_doc": (40, 20),
    "fortune": (35, 15),
    "smollm2": (50, 30),
}


def cap(items: list[Item], caps: dict[str, tuple[int, int]]) -> list[Item]:
    """At most ``caps[source]`` (train, hold-out) items per source, chosen by stable hash."""
    out: list[Item] = []
    counts: dict[tuple[str, bool], int] = {}
    for it in sorted(items, key=lambda it: _hash_share(f"cap|{it.source}|{it.group}")):
        limits = caps.get(it.source)
        if limits is not None:
            k = (it.source, it.holdout)
            counts[k] = counts.get(k, 0) + 1
            if counts[k] > limits[1 if it.holdout else 0]:
                continue
        out.append(it)
    order = {id(it): i for i, it in enumerate(items)}
    return sorted(out, key=lambda it: order[id(it)])


def build(
    fdg_dir: Path | None = None,
    *,
    train_pairs: int = 25,
    holdout_pairs_per_file: int = 10,
    caps: dict[str, tuple[int, int]] | None = None,
) -> list[Item]:
    """Every available item; sources whose files are missing here are simply absent."""
    items = fdg_items(fdg_dir, train_pairs, holdout_pairs_per_file)
    items += lee_items() + perl_doc_items() + python_doc_items() + fortune_items()
    items += assistant_style_items() + smollm2_items()
    return cap(items, HUMAN_CAPS if caps is None else caps)


def relpath(path: Path) -> str:
    try:
        return str(path.relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
