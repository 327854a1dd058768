"""Per-token statistics of a text under the observer and performer models.

For every scored token x_i with prefix x_<i the scorer computes, with the performer's
log-probabilities log q(.) and the observer's probabilities p(.) at that position:

- ``ll``   = log q(x_i)                      the token's log-likelihood
- ``xent`` = -sum_v p(v) log q(v)            observer/performer cross-entropy
                                             (the model's own entropy with one model)
- ``var``  = sum_v p(v) (log q(v))^2 - xent^2   variance of log q under p

Binoculars and the analytic Fast-DetectGPT criterion are both ratios of sums of these
three numbers (see ``criteria.py``), so they are computed once per token and then summed
over a whole text, a window or a sentence.

Speed on a CPU: the head (hidden x 262k vocabulary) is ~60 % of Gemma 3 270M's
parameters, and a (512 x 262k) float32 logits block is 512 MB. The head therefore runs
on ``head_chunk`` rows at a time, on the rows that are scored only (no padding rows),
and one fused pass per chunk turns logits into the three statistics (one log-softmax
reused for all three; no probability tensor kept in float32 beyond the chunk).
"""

from __future__ import annotations

import contextlib
import logging
import shutil
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import torch

from .. import settings
from .fastpath import fuse_gemma_norms
from .lm import LanguageModel
from .windows import Window, plan_windows, sample_windows

log = logging.getLogger(__name__)

DEFAULT_BATCH_WINDOWS = 8
# Rows of the output head computed at once: a (rows x vocabulary) logits block of about
# 256 MB (512 rows in bfloat16 for Gemma's 262k vocabulary). Bigger blocks amortise the
# head's weight reads better (0.66 vs 0.96 ms CPU per token at 512 vs 128 rows here).
HEAD_CHUNK_BYTES = 256 * 2**20


@dataclass
class TokenStats:
    """Statistics of one text's scored tokens, in text order (numpy, float64)."""

    ll: np.ndarray
    xent: np.ndarray
    var: np.ndarray
    offsets: np.ndarray  # (n, 2) character span of each scored token in the text
    window: np.ndarray  # which window scored each token

    @property
    def n(self) -> int:
        return int(self.ll.shape[0])


def _stats_one_model(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """(n, 3) ll, xent, var from one model's logits; pure, so Inductor fuses it."""
    lp = logits.float()
    lp = lp - torch.logsumexp(lp, dim=-1, keepdim=True)
    weighted = lp.exp() * lp  # p * log p
    s1 = weighted.sum(-1)
    s2 = (weighted * lp).sum(-1)
    ll = lp.gather(-1, target[:, None])[:, 0]
    return torch.stack([ll, -s1, s2 - s1 * s1], dim=-1)


def _stats_two_models(
    observer_logits: torch.Tensor, performer_logits: torch.Tensor, target: torch.Tensor
) -> torch.Tensor:
    lq = performer_logits.float()
    lq = lq - torch.logsumexp(lq, dim=-1, keepdim=True)
    weighted = torch.softmax(observer_logits.float(), dim=-1) * lq  # p * log q
    s1 = weighted.sum(-1)
    s2 = (weighted * lq).sum(-1)
    ll = lq.gather(-1, target[:, None])[:, 0]
    return torch.stack([ll, -s1, s2 - s1 * s1], dim=-1)


# Eager fallbacks (no compiler): the same sums with in-place steps, since each
# out-of-place step over a (rows x 262k) block is a fresh allocation and memory pass.
# They overwrite the logits they are given, which the scorer owns.


def _stats_one_model_eager(logits: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    lp = logits.float()
    lp -= torch.logsumexp(lp, dim=-1, keepdim=True)
    ll = lp.gather(-1, target[:, None])[:, 0]
    w = lp.exp()
    w *= lp
    s1 = w.sum(-1)
    w *= lp
    s2 = w.sum(-1)
    return torch.stack([ll, -s1, s2 - s1 * s1], dim=-1)


def _stats_two_models_eager(
    observer_logits: torch.Tensor, performer_logits: torch.Tensor, target: torch.Tensor
) -> torch.Tensor:
    lq = performer_logits.float()
    lq -= torch.logsumexp(lq, dim=-1, keepdim=True)
    ll = lq.gather(-1, target[:, None])[:, 0]
    w = torch.softmax(observer_logits.float(), dim=-1)
    w *= lq
    s1 = w.sum(-1)
    w *= lq
    s2 = w.sum(-1)
    return torch.stack([ll, -s1, s2 - s1 * s1], dim=-1)


def compiler_available() -> bool:
    # Inductor writes C++ and needs a compiler; without one, eager mode is used.
    return shutil.which(settings.current().cxx) is not None


class Scorer:
    """Turns texts into TokenStats with one or two language models."""

    def __init__(
        self,
        observer: LanguageModel,
        performer: LanguageModel,
        *,
        window_tokens: int,
        overlap: int,
        batch_windows: int = DEFAULT_BATCH_WINDOWS,
        head_chunk: int = 0,
        compile_stats: bool = True,
        device: str = "cpu",
        threads: int = 0,
    ) -> None:
        # torch's thread count is process-wide: the scorer sets its own only while it
        # works (0 = leave it alone), so other detectors in the worker keep theirs.
        self.threads = threads
        self.observer, self.performer = observer, performer
        self.device = torch.device(device)
        self.one_model = observer is performer
        self.tokenizer = performer.tokenizer
        self.bos: int | None = self.tokenizer.bos_token_id
        self.pad: int = self.tokenizer.pad_token_id or 0
        self.window_tokens, self.overlap = window_tokens, overlap
        vocab, item = performer.head.shape[0], performer.head.element_size()
        self.batch_windows = batch_windows
        self.head_chunk = head_chunk or max(32, HEAD_CHUNK_BYTES // (vocab * item))
        pure = _stats_one_model if self.one_model else _stats_two_models
        eager = _stats_one_model_eager if self.one_model else _stats_two_models_eager
        self._stats: Callable[..., torch.Tensor] = eager
        self.compiled = False
        self.fused_norms = 0
        if compile_stats and compiler_available():
            with self._thread_limit():
                self._compile_all(observer, performer, pure)

    def _compile_all(
        self, observer: LanguageModel, performer: LanguageModel, pure: Callable[..., torch.Tensor]
    ) -> None:
        for lm in {id(observer): observer, id(performer): performer}.values():
            self.fused_norms += fuse_gemma_norms(lm.model)
        try:
            self._stats = self._compile(pure)
            self.compiled = True
        except Exception as exc:  # any compiler failure: fall back, never fail loading
            log.warning("torch.compile of the token statistics failed (%s); eager mode", exc)

    def _compile(self, fn: Callable[..., torch.Tensor]) -> Callable[..., torch.Tensor]:
        compiled = torch.compile(fn, dynamic=True)
        # Compile now (a few seconds) rather than inside the first user's detection, and
        # find out here whether it works at all.
        vocab, dtype = self.performer.head.shape[0], self.performer.dtype
        with torch.inference_mode():
            for rows in (3, 5):
                z = torch.randn(rows, vocab, dtype=dtype, device=self.device)
                t = torch.randint(0, vocab, (rows,), device=self.device)
                args = (z, t) if self.one_model else (z, z.clone(), t)
                out = compiled(*args)
                ref = fn(*args)
                if not torch.allclose(out, ref, rtol=1e-3, atol=1e-3):
                    raise RuntimeError("compiled statistics disagree with eager ones")
        return compiled

    # -- tokenising and windows -------------------------------------------------------

    def tokenize(self, text: str) -> tuple[list[int], np.ndarray]:
        enc = self.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return list(enc["input_ids"]), np.asarray(enc["offset_mapping"], dtype=np.int64)

    def token_stats(
        self,
        texts: Sequence[str],
        *,
        window_tokens: int | None = None,
        overlap: int | None = None,
        progress: Callable[[float, str], None] | None = None,
        max_windows: int = 0,
    ) -> list[TokenStats]:
        """Statistics of every text's tokens; with ``max_windows`` > 0 a long text is
        scored on at most that many windows, spread evenly over it (see ``sample_windows``)."""
        size = window_tokens or self.window_tokens
        keep = self.overlap if overlap is None else overlap
        has_bos = self.bos is not None
        encoded = [self.tokenize(t) for t in texts]
        windows = [
            w
            for i, (ids, _) in enumerate(encoded)
            for w in sample_windows(plan_windows(i, len(ids), size, keep, has_bos), max_windows)
        ]
        # Longest first, so each batch pads little.
        windows.sort(key=lambda w: w.end - w.start, reverse=True)
        per_window: dict[Window, np.ndarray] = {}
        batches = [
            windows[i : i + self.batch_windows] for i in range(0, len(windows), self.batch_windows)
        ]
        for batch in batches:
            with self._thread_limit():
                out = self._score_batch(batch, [encoded[w.text][0] for w in batch])
            per_window.update(zip(batch, out, strict=True))
            if progress is not None:
                done = len(per_window)
                progress(done / len(windows), f"text windows scored {done}/{len(windows)}")
        results: list[TokenStats] = []
        for i, (_, offsets) in enumerate(encoded):
            mine = sorted((w for w in per_window if w.text == i), key=lambda w: w.start)
            stats = [per_window[w] for w in mine]
            spans = [offsets[w.score_from : w.end] for w in mine]
            index = [np.full(w.end - w.score_from, j) for j, w in enumerate(mine)]
            joined = np.concatenate(stats) if stats else np.zeros((0, 3))
            results.append(
                TokenStats(
                    ll=joined[:, 0],
                    xent=joined[:, 1],
                    var=joined[:, 2],
                    offsets=np.concatenate(spans) if spans else np.zeros((0, 2), np.int64),
                    window=np.concatenate(index) if index else np.zeros(0, np.int64),
                )
            )
        return results

    # -- model work ---------------------------------------------------------------------

    @contextlib.contextmanager
    def _thread_limit(self) -> Iterator[None]:
        before = torch.get_num_threads()
        if self.threads and self.threads != before:
            torch.set_num_threads(self.threads)
        try:
            yield
        finally:
            if torch.get_num_threads() != before:
                torch.set_num_threads(before)

    def _score_batch(self, batch: list[Window], token_lists: list[list[int]]) -> list[np.ndarray]:
        prefix = [] if self.bos is None else [self.bos]
        seqs = [prefix + ids[w.start : w.end] for w, ids in zip(batch, token_lists, strict=True)]
        width = max(len(s) for s in seqs)
        input_ids = torch.full((len(seqs), width), self.pad, dtype=torch.long)
        mask = torch.zeros((len(seqs), width), dtype=torch.long)
        rows_b: list[int] = []
        rows_p: list[int] = []
        for b, (w, seq) in enumerate(zip(batch, seqs, strict=True)):
            input_ids[b, : len(seq)] = torch.tensor(seq)
            mask[b, : len(seq)] = 1  # right padding: causal attention never sees it
            # Text token j sits at position j - start + len(prefix) and is predicted
            # from the position before it.
            first = w.score_from - w.start + len(prefix) - 1
            last = w.end - w.start + len(prefix) - 1
            rows_b.extend([b] * (last - first))
            rows_p.extend(range(first, last))
        input_ids, mask = input_ids.to(self.device), mask.to(self.device)
        b_idx = torch.tensor(rows_b, device=self.device)
        p_idx = torch.tensor(rows_p, device=self.device)
        target = input_ids[b_idx, p_idx + 1]
        with torch.inference_mode():
            h_perf = self._hidden(self.performer, input_ids, mask)[b_idx, p_idx]
            h_obs = (
                h_perf
                if self.one_model
                else self._hidden(self.observer, input_ids, mask)[b_idx, p_idx]
            )
            parts = []
            for i in range(0, target.shape[0], self.head_chunk):
                sl = slice(i, i + self.head_chunk)
                z_perf = self._logits(self.performer, h_perf[sl])
                if self.one_model:
                    parts.append(self._stats(z_perf, target[sl]))
                else:
                    z_obs = self._logits(self.observer, h_obs[sl])
                    parts.append(self._stats(z_obs, z_perf, target[sl]))
            stats = torch.cat(parts).double().cpu().numpy()
        sizes = [w.end - w.score_from for w in batch]
        return np.split(stats, np.cumsum(sizes)[:-1])

    @staticmethod
    def _hidden(lm: LanguageModel, input_ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        out = lm.body(input_ids=input_ids, attention_mask=mask, use_cache=False)
        return out.last_hidden_state

    @staticmethod
    def _logits(lm: LanguageModel, hidden: torch.Tensor) -> torch.Tensor:
        z = torch.nn.functional.linear(hidden.to(lm.head.dtype), lm.head, lm.head_bias)
        if lm.softcap:
            z = torch.tanh(z / lm.softcap) * lm.softcap
        return z
