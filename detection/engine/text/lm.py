"""Loading the observer and performer language models (torch and transformers inside)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import torch

from ..errors import ModelUnavailable
from ..result import ModelRef
from .choices import GGUF_SHA256, PACKAGE_NAME, ModelChoice
from .gguf_cache import package_version, packaged_model_dir

log = logging.getLogger(__name__)

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16}


@dataclass
class LanguageModel:
    """A causal LM split into its body (hidden states) and its output head.

    The detector runs the head itself, a few hundred tokens at a time, so the
    (tokens x 262k vocabulary) logits never exist for a whole window at once.
    """

    key: str
    ref: ModelRef
    model: Any  # a transformers PreTrainedModel (CausalLM)
    tokenizer: Any  # a fast tokenizer (offsets are needed for sentence evidence)
    body: torch.nn.Module
    vocab_rows: int  # rows of the output head in use (a pair may trim padding rows)
    softcap: float | None

    @property
    def head(self) -> torch.Tensor:
        """(vocabulary, hidden) output weights, read from the model wherever it now lives."""
        return self.model.get_output_embeddings().weight.detach()[: self.vocab_rows]

    @property
    def head_bias(self) -> torch.Tensor | None:
        bias = getattr(self.model.get_output_embeddings(), "bias", None)
        return None if bias is None else bias.detach()[: self.vocab_rows]

    @property
    def dtype(self) -> torch.dtype:
        return self.head.dtype


def load_language_model(choice: ModelChoice, dtype: torch.dtype) -> LanguageModel:
    from transformers import AutoModelForCausalLM, AutoTokenizer

    if choice.kind == "packaged":
        where: str = str(packaged_model_dir())
        kwargs: dict[str, Any] = {}
        ref = ModelRef(PACKAGE_NAME, f"{package_version()}+sha256:{GGUF_SHA256[:12]}")
    else:
        where, kwargs = choice.model_id, {"revision": choice.revision}
        ref = ModelRef(choice.model_id, choice.revision)
    try:
        tokenizer = AutoTokenizer.from_pretrained(where, **kwargs)
        model = AutoModelForCausalLM.from_pretrained(where, dtype=dtype, **kwargs)
    except OSError as exc:
        raise ModelUnavailable(
            f"cannot load text model {choice.key}: {exc}. For a Hugging Face model, download "
            f"it first (`hf download {choice.model_id} --revision {choice.revision}`) on a "
            "machine that is online, or use the packaged default 'gemma3-270m-gguf'"
        ) from exc
    if not getattr(tokenizer, "is_fast", False):
        raise ModelUnavailable(
            f"text model {choice.key} has no fast tokenizer; character offsets are needed"
        )
    model.eval()
    return LanguageModel(
        key=choice.key,
        ref=ref,
        model=model,
        tokenizer=tokenizer,
        body=model.base_model,
        vocab_rows=model.get_output_embeddings().weight.shape[0],
        softcap=getattr(model.config, "final_logit_softcapping", None),
    )


def check_shared_tokenizer(observer: Any, performer: Any) -> None:
    """Refuse a pair whose tokenizers differ: both scores compare their distributions
    position by position over the same token ids, which is meaningless otherwise."""
    vocab_o, vocab_p = observer.get_vocab(), performer.get_vocab()
    if vocab_o != vocab_p:
        only_o = len(vocab_o.keys() - vocab_p.keys())
        only_p = len(vocab_p.keys() - vocab_o.keys())
        moved = sum(1 for t, i in vocab_o.items() if t in vocab_p and vocab_p[t] != i)
        raise ModelUnavailable(
            "the observer and performer models must share one tokenizer: their vocabularies "
            f"differ ({len(vocab_o)} vs {len(vocab_p)} tokens; {only_o} only in the observer, "
            f"{only_p} only in the performer, {moved} with different ids)"
        )
    if observer.bos_token_id != performer.bos_token_id:
        raise ModelUnavailable(
            "the observer and performer models must share one tokenizer: their "
            f"beginning-of-text tokens differ ({observer.bos_token_id} vs "
            f"{performer.bos_token_id})"
        )


def load_pair(
    observer: ModelChoice, performer: ModelChoice, dtype: torch.dtype
) -> tuple[LanguageModel, LanguageModel]:
    """(observer, performer); the same object twice when both name one model."""
    observer_lm = load_language_model(observer, dtype)
    if performer.key == observer.key:
        return observer_lm, observer_lm
    performer_lm = load_language_model(performer, dtype)
    check_shared_tokenizer(observer_lm.tokenizer, performer_lm.tokenizer)
    if observer_lm.head.shape[0] != performer_lm.head.shape[0]:
        # Vocabulary padding differs (e.g. one model rounds to a multiple of 64): the
        # extra rows are ids the shared tokenizer never produces, so drop them.
        n = min(observer_lm.vocab_rows, performer_lm.vocab_rows)
        observer_lm.vocab_rows = performer_lm.vocab_rows = n
        log.info("observer/performer heads trimmed to %d shared vocabulary rows", n)
    return observer_lm, performer_lm
