"""RawGAT-ST (Tak et al., ASVspoof 2021 workshop, arXiv 2107.12710), written from the paper.

The raw waveform goes through fixed mel-spaced sinc band-pass filters (the same front end
as AASIST, whose authors extended this model), is read as a one-channel filter-bank x
time image, and feeds two separate residual encoders: one whose output is max-pooled over
time to give a graph of 23 spectral sub-band nodes, one max-pooled over frequency to give
a graph of temporal nodes. Each graph gets a graph attention layer and top-k graph
pooling; a linear map over the node axis brings both to 12 nodes, the two graphs are
fused by element-wise multiplication (the "mul" variant of the published checkpoints),
and a last graph attention layer, pooling and two linear layers give two logits.

Module and parameter names follow the published checkpoint
(``Pre_trained_models/RawGAT_ST_mul/Best_epoch.pth``) so that ``load_state_dict(strict=True)``
works. Two details of the trained network are kept as trained, because the weights only
make sense with them: inside a residual block after the first, ``bn1`` exists but
``conv1`` reads the block's input directly; and the first block of each encoder, whose
input has one channel, uses its own one-channel convolution ``conv_1`` and adds the
one-channel input to its 32-channel output by broadcasting. Dropout and the training-time
masking of sinc filters are left out: this module is only run in eval mode.

The node counts are fixed by the input length (64,600 samples -> 29 time steps after the
encoders), so inputs must be exactly ``INPUT_SAMPLES`` long.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .aasist_net import SincFilterBank, _batchnorm_nodes, _pairwise_products

INPUT_SAMPLES = 64_600
SINC_FILTERS = 70
SINC_KERNEL = 128
# (in, out) channels of the six residual blocks of each encoder.
BLOCK_CHANNELS: tuple[tuple[int, int], ...] = (
    (32, 32),
    (32, 32),
    (32, 64),
    (64, 64),
    (64, 64),
    (64, 64),
)
# Graph pooling keeps this share of nodes (at least two), as trained.
POOL_SPECTRAL, POOL_TEMPORAL, POOL_FUSED = 0.64, 0.81, 0.64
EMBED_DIM = 7  # the fused graph's pooled nodes projected to one value each, before the 2-way layer


class RawGatBlock(nn.Module):
    """Two (2, 3) convolutions with a skip path, then max pooling over time by 3."""

    def __init__(self, channels: Sequence[int], first: bool = False) -> None:
        super().__init__()
        c_in, c_out = int(channels[0]), int(channels[1])
        self.first = first
        if not first:
            self.bn1 = nn.BatchNorm2d(c_in)
            self.conv1 = nn.Conv2d(c_in, c_out, kernel_size=(2, 3), padding=(1, 1))
        self.conv_1 = nn.Conv2d(1, c_out, kernel_size=(2, 3), padding=(1, 1))
        self.bn2 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, kernel_size=(2, 3), padding=(0, 1))
        self.conv_downsample: nn.Conv2d | None = None
        if c_in != c_out:
            self.conv_downsample = nn.Conv2d(c_in, c_out, kernel_size=(1, 3), padding=(0, 1))
        self.pool = nn.MaxPool2d((1, 3))

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv_1(x) if self.first else self.conv1(x)
        out = self.conv2(F.selu(self.bn2(out)))
        skip = x if self.conv_downsample is None else self.conv_downsample(x)
        return self.pool(out + skip)


class NodeAttention(nn.Module):
    """Graph attention over a fully connected graph (no temperature, as in RawGAT-ST)."""

    def __init__(self, in_dim: int, out_dim: int) -> None:
        super().__init__()
        self.att_proj = nn.Linear(in_dim, out_dim)
        self.att_weight = nn.Parameter(torch.empty(out_dim, 1))
        self.proj_with_att = nn.Linear(in_dim, out_dim)
        self.proj_without_att = nn.Linear(in_dim, out_dim)
        self.bn = nn.BatchNorm1d(out_dim)
        nn.init.xavier_normal_(self.att_weight)

    def forward(self, x: Tensor) -> Tensor:
        scores = torch.tanh(self.att_proj(_pairwise_products(x))) @ self.att_weight
        attention = F.softmax(scores, dim=-2).squeeze(-1)
        out = self.proj_with_att(attention @ x) + self.proj_without_att(x)
        return F.selu(_batchnorm_nodes(self.bn, out))


class TopKPool(nn.Module):
    """Keep the best-scored share of nodes (at least two), each scaled by its sigmoid score.

    Nodes come out in descending score order, which the node-axis projections after the
    pools rely on.
    """

    def __init__(self, ratio: float, in_dim: int) -> None:
        super().__init__()
        self.ratio = ratio
        self.proj = nn.Linear(in_dim, 1)

    def forward(self, h: Tensor) -> Tensor:
        scores = torch.sigmoid(self.proj(h))
        keep = max(2, int(self.ratio * h.shape[1]))
        idx = torch.topk(scores, keep, dim=1).indices.expand(-1, -1, h.shape[2])
        return torch.gather(h * scores, 1, idx)


def _encoder() -> nn.Sequential:
    return nn.Sequential(
        *(nn.Sequential(RawGatBlock(c, first=(i == 0))) for i, c in enumerate(BLOCK_CHANNELS))
    )


class RawGatST(nn.Module):
    """RawGAT-ST (mul); ``forward`` maps (batch, 64600) at 16 kHz to (batch, 2) logits.

    Logit index 1 is bona fide speech and index 0 spoofed, as the checkpoint was trained.
    :meth:`embed` gives the 7 values the final linear layer reads, for trained heads.
    """

    def __init__(self) -> None:
        super().__init__()
        self.conv_time = SincFilterBank(SINC_FILTERS, SINC_KERNEL)
        self.first_bn = nn.BatchNorm2d(1)
        self.encoder1 = _encoder()
        self.encoder2 = _encoder()
        last = BLOCK_CHANNELS[-1][1]
        self.GAT_layer1 = NodeAttention(last, 32)
        self.pool1 = TopKPool(POOL_SPECTRAL, 32)
        self.GAT_layer2 = NodeAttention(last, 32)
        self.pool2 = TopKPool(POOL_TEMPORAL, 32)
        self.GAT_layer3 = NodeAttention(32, 16)
        self.pool3 = TopKPool(POOL_FUSED, 16)
        self.proj1 = nn.Linear(14, 12)  # 23 spectral nodes pooled to 14 -> 12
        self.proj2 = nn.Linear(23, 12)  # 29 temporal nodes pooled to 23 -> 12
        self.proj = nn.Linear(16, 1)
        self.proj_node = nn.Linear(EMBED_DIM, 2)

    def embed(self, waveform: Tensor) -> Tensor:
        x = self.conv_time(waveform.unsqueeze(1)).unsqueeze(1)  # (b, 1, 70, time)
        x = F.selu(self.first_bn(F.max_pool2d(torch.abs(x), (3, 3))))  # (b, 1, 23, time/3)

        spectral = self.encoder1(x).abs().max(dim=3).values.transpose(1, 2)  # (b, 23, 64)
        spectral = self.pool1(self.GAT_layer1(spectral))  # (b, 14, 32)
        spectral = self.proj1(spectral.transpose(1, 2))  # (b, 32, 12)

        temporal = self.encoder2(x).abs().max(dim=2).values.transpose(1, 2)  # (b, 29, 64)
        temporal = self.pool2(self.GAT_layer2(temporal))  # (b, 23, 32)
        temporal = self.proj2(temporal.transpose(1, 2))  # (b, 32, 12)

        fused = self.GAT_layer3((spectral * temporal).transpose(1, 2))  # (b, 12, 16)
        return self.proj(self.pool3(fused)).flatten(1)  # (b, 7)

    def forward(self, waveform: Tensor) -> Tensor:
        return self.proj_node(self.embed(waveform))
