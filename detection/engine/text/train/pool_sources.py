"""Readers for the public text sources of the training / calibration pool.

Each reader takes a folder of fetched repository snapshots (bare git directories named
``owner+name``, as the search tool's ``fetch`` lays them out) and yields ``PoolText``
records with the generator, its family, the domain, the writing mode and the licence.
Nothing here downloads: a missing snapshot is reported and skipped by ``pool``.

Families are who trained the model (``openai``, ``anthropic``, ``meta``, ``mistral``,
``google``, ``qwen``, ``deepseek``, ``microsoft``, ``cohere``, ``01ai`` ...); community
fine-tunes count under the family of their base model's data they imitate least, so
they are left out rather than mislabelled. Human sources are named by who wrote them.
"""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class PoolText:
    text: str
    label: str  # "ai" or "human"
    source: str  # a human source or an AI source set, e.g. "l2r", "wi-learners"
    domain: str
    family: str  # AI: developer family; human: the writers' group ("human-learner" ...)
    generator: str  # AI: model id; human: "human"
    mode: str  # free, rewrite, paraphrase, continuation, human
    licence: str
    repo: str
    commit: str
    path: str
    blob_sha: str = ""
    extra: dict[str, str] = field(default_factory=dict)


class Snapshot:
    """Read-only access to one fetched bare repository."""

    def __init__(self, root: Path, repo: str) -> None:
        self.repo = repo
        base = root / repo.replace("/", "+")
        candidates = [base / "repo", base / "repo" / ".git"]
        self.git_dir = next((c for c in candidates if (c / "HEAD").is_file()), None)

    @property
    def present(self) -> bool:
        return self.git_dir is not None

    def _git(self, *args: str) -> bytes:
        assert self.git_dir is not None
        # git with fixed arguments on a local snapshot this project's operator fetched.
        return subprocess.run(  # noqa: S603
            ["git", "--git-dir", str(self.git_dir), *args],  # noqa: S607
            check=True,
            capture_output=True,
        ).stdout

    def resolve(self, ref: str = "HEAD") -> str:
        return self._git("rev-parse", ref).decode().strip()

    def files(self, commit: str, under: str = "") -> list[tuple[str, str]]:
        """(path, blob sha) of every file under a folder at a commit."""
        out = self._git("ls-tree", "-r", "-z", commit, "--", under) if under else b""
        if not under:
            out = self._git("ls-tree", "-r", "-z", commit)
        rows = []
        for entry in out.split(b"\0"):
            if not entry:
                continue
            meta, path = entry.split(b"\t", 1)
            rows.append((path.decode(), meta.split()[2].decode()))
        return rows

    def blob(self, commit: str, path: str) -> tuple[bytes, str]:
        sha = self._git("rev-parse", f"{commit}:{path}").decode().strip()
        return self._git("cat-file", "blob", sha), sha


def words(text: str) -> int:
    return len(text.split())


# -- AI: many generators answering instructions (AlpacaEval's published outputs) -------

ALPACA_MODELS: dict[str, str] = {
    # generator directory -> family
    "gpt4_1106_preview": "openai",
    "gpt-4o-2024-05-13": "openai",
    "gpt-4o-mini-2024-07-18": "openai",
    "gpt-4-turbo-2024-04-09": "openai",
    "gpt-3.5-turbo-0613": "openai",
    "text_davinci_003": "openai",
    "claude-3-opus-20240229": "anthropic",
    "claude-3-5-sonnet-20240620": "anthropic",
    "claude-3-sonnet-20240229": "anthropic",
    "claude-2.1": "anthropic",
    "claude-instant-1.2": "anthropic",
    "Meta-Llama-3-70B-Instruct": "meta",
    "Meta-Llama-3.1-405B-Instruct-Turbo": "meta",
    "Meta-Llama-3-8B-Instruct": "meta",
    "llama-2-70b-chat-hf": "meta",
    "Mistral-7B-Instruct-v0.2": "mistral",
    "Mixtral-8x22B-Instruct-v0.1": "mistral",
    "mistral-large-2402": "mistral",
    "mistral-medium": "mistral",
    "gemini-pro": "google",
    "gemma-7b-it": "google",
    "gemma-2-9b-it-SimPO": "google",
    "Qwen1.5-72B-Chat": "qwen",
    "Qwen2-72B-Instruct": "qwen",
    "Qwen1.5-7B-Chat": "qwen",
    "deepseek-llm-67b-chat": "deepseek",
    "phi-2-dpo": "microsoft",
    "cohere": "cohere",
    "Yi-34B-Chat": "01ai",
    "yi-large-preview": "01ai",
    "dbrx-instruct": "databricks",
    "falcon-40b-instruct": "tii",
    "internlm2-chat-20b-ppo": "shanghai-ai-lab",
    "baichuan-13b-chat": "baichuan",
    "chatglm2-6b": "zhipu",
}

_LIST_LINE = re.compile(r"^\s*(?:[-*•]|\d+[.)]|#+)\s")


def instruction_domain(instruction: str) -> str:
    low = instruction.lower()
    for domain, keys in (
        ("email", ("email", "e-mail", "letter", "memo")),
        ("story", ("story", "poem", "fiction", "tale", "narrative")),
        ("essay", ("essay", "argument", "persuasive", "opinion piece")),
        ("review", ("review",)),
        ("social", ("tweet", "post for", "instagram", "facebook", "linkedin")),
        ("news", ("news", "article", "press release", "blog")),
    ):
        if any(k in low for k in keys):
            return domain
    return "qa"


def prose_enough(text: str, min_words: int = 60) -> bool:
    """Mostly sentences, no code: list-heavy answers are a caveat case, not training data."""
    if "```" in text or words(text) < min_words:
        return False
    lines = [ln for ln in text.splitlines() if ln.strip()]
    listy = sum(1 for ln in lines if _LIST_LINE.match(ln))
    return listy <= max(2, len(lines) // 3)


def alpaca_eval(root: Path) -> Iterator[PoolText]:
    snap = Snapshot(root, "tatsu-lab/alpaca_eval")
    if not snap.present:
        return
    commit = snap.resolve()
    for model, family in ALPACA_MODELS.items():
        path = f"results/{model}/model_outputs.json"
        try:
            data, sha = snap.blob(commit, path)
        except subprocess.CalledProcessError:
            continue
        for row in json.loads(data):
            text = (row.get("output") or "").strip()
            if not prose_enough(text):
                continue
            yield PoolText(
                text=text,
                label="ai",
                source="alpaca_eval",
                domain=instruction_domain(row.get("instruction", "")),
                family=family,
                generator=model,
                mode="free",
                licence="Apache-2.0 (AlpacaEval repository)",
                repo=snap.repo,
                commit=commit,
                path=path,
                blob_sha=sha,
            )


# -- AI rewrites and their human originals in 21 domains (L2R, ACL 2025) ----------------

L2R_MODELS = {
    "GPT-3-Turbo": ("openai", "gpt-3.5-turbo"),
    "GPT-4o": ("openai", "gpt-4o"),
    "Gemini-1.5-Pro": ("google", "gemini-1.5-pro"),
    "Llama-3-70B": ("meta", "llama-3-70b"),
}
L2R_DOMAINS = {
    "AcademicResearch": "abstracts",
    "ArtCulture": "articles",
    "Business": "articles",
    "EducationMaterial": "educational",
    "Entertainment": "articles",
    "Environmental": "articles",
    "Finance": "articles",
    "FoodCusine": "articles",
    "GovernmentPublic": "articles",
    "LegalDocument": "legal",
    "LiteratureCreativeWriting": "story",
    "MedicalText": "technical",
    "NewsArticle": "news",
    "OnlineContent": "social",
    "PersonalCommunication": "email",
    "ProductReview": "review",
    "Religious": "articles",
    "Sports": "news",
    "TechnicalWriting": "technical",
    "TravelTourism": "articles",
}


def l2r(root: Path) -> Iterator[PoolText]:
    snap = Snapshot(root, "ranhli/l2r_data")
    if not snap.present:
        return
    commit = snap.resolve()
    for folder, domain in L2R_DOMAINS.items():
        files = [("human", ("human", "human")), *L2R_MODELS.items()]
        for name, (family, generator) in files:
            path = f"{folder}/{name}.json"
            try:
                data, sha = snap.blob(commit, path)
            except subprocess.CalledProcessError:
                continue
            items = json.loads(data)
            texts = list(items.values()) if isinstance(items, dict) else list(items)
            for i, text in enumerate(texts):
                if not isinstance(text, str) or words(text) < 40:
                    continue
                human = name == "human"
                yield PoolText(
                    text=text.strip(),
                    label="human" if human else "ai",
                    source="l2r-human" if human else "l2r",
                    domain=domain,
                    family="human-web" if human else family,
                    generator="human" if human else generator,
                    mode="human" if human else "rewrite",
                    licence="CC-BY-3.0 (L2R data)",
                    repo=snap.repo,
                    commit=commit,
                    path=path,
                    blob_sha=sha,
                    extra={"pair": f"{folder}/{i}", "l2r_domain": folder},
                )


# -- Learner English: W&I (never trained on), FCE, and native students (LOCNESS) --------

WI_COMMIT = "aa16d3f56749808703f917fdbb7d25e454fed8e3"
WI_NC = "non-commercial research and education only (Cambridge W&I / LOCNESS licence)"


def write_and_improve(root: Path) -> Iterator[PoolText]:
    snap = Snapshot(root, "stephen-cheng/grammar_correction_with_bert")
    if not snap.present:
        return
    for part in ("A.train", "B.train", "C.train", "A.dev", "B.dev", "C.dev", "N.dev"):
        path = f"data/wi+locness/json/{part}.json"
        data, sha = snap.blob(WI_COMMIT, path)
        native = part.startswith("N")
        for line in data.decode("utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            text = row["text"].strip()
            if words(text) < 60:
                continue
            yield PoolText(
                text=text,
                label="human",
                source="locness-native" if native else "wi-learners",
                domain="student-essay" if native else "learner-essay",
                family="human-student" if native else "human-learner",
                generator="human",
                mode="human",
                licence=WI_NC,
                repo=snap.repo,
                commit=WI_COMMIT,
                path=path,
                blob_sha=sha,
                extra={"cefr": row.get("cefr", "N")},
            )


FCE_COMMIT = "df27a988500c0d464279d5d63ee55053a84a8305"


def fce(root: Path) -> Iterator[PoolText]:
    snap = Snapshot(root, "Tianxu-Jia/LM-GEC")
    if not snap.present:
        return
    for part in ("train", "dev", "test"):
        path = f"data/fce/json/fce.{part}.json"
        data, sha = snap.blob(FCE_COMMIT, path)
        for line in data.decode("utf-8").splitlines():
            if not line.strip():
                continue
            text = json.loads(line)["text"].strip()
            if words(text) < 60:
                continue
            yield PoolText(
                text=text,
                label="human",
                source="fce-learners",
                domain="learner-essay",
                family="human-learner",
                generator="human",
                mode="human",
                licence="non-commercial research and education only (CLC FCE licence)",
                repo=snap.repo,
                commit=FCE_COMMIT,
                path=path,
                blob_sha=sha,
            )


def locness_zip(root: Path) -> Iterator[PoolText]:
    """LOCNESS essays by British and American students (files of essays split by headers)."""
    snap = Snapshot(root, "stephen-cheng/grammar_correction_with_bert")
    if not snap.present:
        return
    commit = snap.resolve()
    path = "data/LOCNESS-corpus.zip"
    data, sha = snap.blob(commit, path)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in sorted(zf.namelist()):
            if "__MACOSX" in name or not name.endswith(".txt"):
                continue
            raw = zf.read(name).decode("latin-1")
            for essay in re.split(r"\n\s*<[^>]{2,80}>\s*\n|\n{3,}", raw):
                essay = re.sub(r"<[^>]*>", " ", essay).strip()
                essay = re.sub(r"[ \t]+", " ", essay)
                if not 80 <= words(essay) <= 1500:
                    continue
                yield PoolText(
                    text=essay,
                    label="human",
                    source="locness-native",
                    domain="student-essay",
                    family="human-student",
                    generator="human",
                    mode="human",
                    licence=WI_NC,
                    repo=snap.repo,
                    commit=commit,
                    path=f"{path}!{name}",
                    blob_sha=sha,
                )


# -- University coursework: students vs ChatGPT vs QuillBot paraphrases -----------------


def coursework(root: Path) -> Iterator[PoolText]:
    snap = Snapshot(root, "comnetsAD/ChatGPT")
    if not snap.present:
        return
    commit = snap.resolve()
    for path, sha in snap.files(commit):
        if "(code)" in path or path.endswith(".DS_Store") or "/" not in path:
            continue
        top, *_rest, leaf = path.split("/")
        if top not in ("Student and GPT Responses", "QuillBot Output"):
            continue
        leaf = leaf.lower()
        data, _ = snap.blob(commit, path)
        text = data.decode("utf-8", errors="replace").strip()
        if words(text) < 50 or "def " in text or "#include" in text:
            continue
        if top == "QuillBot Output":
            label, family, gen, mode = "ai", "quillbot", "quillbot-on-chatgpt", "paraphrase"
        elif leaf.startswith("student"):
            label, family, gen, mode = "human", "human-student", "human", "human"
        elif leaf.startswith("gpt"):
            label, family, gen, mode = "ai", "openai", "chatgpt-2023", "free"
        else:
            continue
        yield PoolText(
            text=text,
            label=label,
            source="coursework-students" if label == "human" else "coursework",
            domain="coursework",
            family=family,
            generator=gen,
            mode=mode,
            licence="no licence stated (research data of Ibrahim et al. 2023); research use",
            repo=snap.repo,
            commit=commit,
            path=path,
            blob_sha=sha,
        )


# -- Argumentative essays by seven GPT models (ArguGPT; machine side only) --------------


def argugpt(root: Path) -> Iterator[PoolText]:
    snap = Snapshot(root, "huhailinguist/ArguGPT")
    if not snap.present:
        return
    commit = snap.resolve()
    for part in ("dev", "test", "ood"):
        path = f"data/argugpt/machine-{part}.csv"
        data, sha = snap.blob(commit, path)
        for row in csv.DictReader(io.StringIO(data.decode("utf-8"))):
            text = row["text"].strip()
            if words(text) < 80:
                continue
            yield PoolText(
                text=text,
                label="ai",
                source="argugpt",
                domain="essay",
                family="openai",
                generator=row["model"],
                mode="free",
                licence="CC-BY-NC-SA-4.0 per the ArguGPT card (non-commercial)",
                repo=snap.repo,
                commit=commit,
                path=path,
                blob_sha=sha,
            )


# -- Exam-style responses by GPT-3.5 / GPT-4 to FCE and ASAP prompts ---------------------


def exam_prompts(root: Path) -> Iterator[PoolText]:
    snap = Snapshot(root, "nd-hal/automated-ML-scoring-versus-generation")
    if not snap.present:
        return
    commit = snap.resolve()
    for name, gen in (
        ("GPT35_FCE", "gpt-3.5-turbo"),
        ("GPT35_ASAP", "gpt-3.5-turbo"),
        ("GPT4_ASAP", "gpt-4"),
    ):
        path = f"PromptData/ProcessedMLScores/{name}.csv"
        data, sha = snap.blob(commit, path)
        for row in csv.DictReader(io.StringIO(data.decode("utf-8", errors="replace"))):
            text = (row.get("Response") or "").strip()
            if words(text) < 60:
                continue
            yield PoolText(
                text=text,
                label="ai",
                source="exam-prompts",
                domain="learner-essay" if "FCE" in name else "student-essay",
                family="openai",
                generator=gen,
                mode="free",
                licence="no licence stated (Bevilacqua et al. 2023 data); research use",
                repo=snap.repo,
                commit=commit,
                path=path,
                blob_sha=sha,
            )


# -- Product reviews: Amazon customers vs ChatGPT ----------------------------------------


def reviews(root: Path) -> Iterator[PoolText]:
    snap = Snapshot(root, "hannaharmon/review_classification")
    if not snap.present:
        return
    commit = snap.resolve()
    path = "reviews.csv"
    data, sha = snap.blob(commit, path)
    for row in csv.DictReader(io.StringIO(data.decode("utf-8", errors="replace"))):
        text = row["review"].strip()
        if words(text) < 40:
            continue
        human = (
            row["label"] == "1"
        )  # 1 = Amazon customer (misspellings, product codes), 0 = ChatGPT
        yield PoolText(
            text=text,
            label="human" if human else "ai",
            source="amazon-reviews" if human else "reviews-chatgpt",
            domain="review",
            family="human-web" if human else "openai",
            generator="human" if human else "gpt-3.5-turbo",
            mode="human" if human else "free",
            licence="no licence stated; human side from a public Amazon reviews set",
            repo=snap.repo,
            commit=commit,
            path=path,
            blob_sha=sha,
        )


READERS = {
    "alpaca_eval": alpaca_eval,
    "l2r": l2r,
    "write_and_improve": write_and_improve,
    "fce": fce,
    "locness": locness_zip,
    "coursework": coursework,
    "argugpt": argugpt,
    "exam_prompts": exam_prompts,
    "reviews": reviews,
}
