"""The per-token statistics match their definitions, compiled or eager."""

from __future__ import annotations

import pytest
import torch

from detection.engine.text import token_stats


def _naive(observer: torch.Tensor, performer: torch.Tensor, target: torch.Tensor):
    p = torch.softmax(observer.double(), -1)
    log_q = torch.log_softmax(performer.double(), -1)
    ll = log_q[torch.arange(len(target)), target]
    xent = -(p * log_q).sum(-1)
    var = (p * log_q**2).sum(-1) - xent**2
    return torch.stack([ll, xent, var], -1)


@pytest.fixture
def logits() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    gen = torch.Generator().manual_seed(0)
    observer = torch.randn(6, 1000, generator=gen) * 4
    performer = observer + torch.randn(6, 1000, generator=gen)
    return observer, performer, torch.randint(0, 1000, (6,), generator=gen)


@pytest.mark.parametrize(
    "fn", [token_stats._stats_one_model, token_stats._stats_one_model_eager], ids=["pure", "eager"]
)
def test_one_model_statistics_are_ll_entropy_and_variance(fn, logits) -> None:
    _, performer, target = logits
    want = _naive(performer, performer, target)
    got = fn(performer.clone(), target)
    assert torch.allclose(got.double(), want, atol=1e-4)
    assert (got[:, 1] > 0).all() and (got[:, 2] >= -1e-5).all()


@pytest.mark.parametrize(
    "fn",
    [token_stats._stats_two_models, token_stats._stats_two_models_eager],
    ids=["pure", "eager"],
)
def test_two_model_statistics_use_observer_probabilities_and_performer_logs(fn, logits):
    observer, performer, target = logits
    want = _naive(observer, performer, target)
    assert torch.allclose(fn(observer.clone(), performer.clone(), target).double(), want, atol=1e-4)


def test_bfloat16_logits_are_reduced_in_float32(logits) -> None:
    _, performer, target = logits
    low = performer.bfloat16()
    got = token_stats._stats_one_model_eager(low, target)
    want = _naive(low.float(), low.float(), target)
    assert got.dtype == torch.float32
    assert torch.allclose(got.double(), want, atol=1e-4)
