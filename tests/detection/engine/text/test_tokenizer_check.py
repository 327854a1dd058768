"""An observer/performer pair must share one tokenizer, or the detector refuses to load."""

from __future__ import annotations

import pytest
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import PreTrainedTokenizerFast

from detection.engine.errors import ModelUnavailable
from detection.engine.text.lm import check_shared_tokenizer


def _tokenizer(words: list[str], bos: str = "<s>") -> PreTrainedTokenizerFast:
    vocab = {w: i for i, w in enumerate(["<unk>", "<s>", "<t>", *words])}
    inner = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    inner.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(tokenizer_object=inner, unk_token="<unk>", bos_token=bos)


def test_identical_vocabularies_are_accepted() -> None:
    check_shared_tokenizer(_tokenizer(["a", "b", "c"]), _tokenizer(["a", "b", "c"]))


def test_different_vocabularies_are_refused_with_counts() -> None:
    with pytest.raises(ModelUnavailable, match="must share one tokenizer") as info:
        check_shared_tokenizer(_tokenizer(["a", "b", "c"]), _tokenizer(["a", "c", "d"]))
    # "b" only in the observer, "d" only in the performer, "c" moved from id 5 to id 4.
    assert "1 only in the observer, 1 only in the performer, 1 with different ids" in str(
        info.value
    )


def test_same_vocabulary_with_another_start_token_is_refused() -> None:
    with pytest.raises(ModelUnavailable, match="beginning-of-text"):
        check_shared_tokenizer(_tokenizer(["a"]), _tokenizer(["a"], bos="<t>"))
