"""The AASIST network (Jung et al., ICASSP 2022, arXiv 2110.01200), written from the paper.

A raw-waveform front end (fixed mel-spaced sinc band-pass filters, then six residual 2-D
convolution blocks over the filter-bank x time plane) feeds two graphs: one whose nodes are
the 23 spectral sub-bands, one whose nodes are time steps. Each graph gets a graph
attention layer and graph pooling; then two parallel branches of heterogeneous stacking
graph attention combine both node types with a learnable master node, and the readout
(max |.| and mean of each node type, plus the master node) goes to a 2-way linear layer.

Module and parameter names follow the published checkpoints' key listing
(``../shared/weights/aasist/*.keys.txt``) so that ``load_state_dict(strict=True)`` works.
Training-only parts (dropout, frequency masking of the sinc filters) are left out: this
module is only ever run in eval mode.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

SAMPLE_RATE = 16_000
N_SPECTRAL_NODES = 23  # 70 sinc filters max-pooled by 3 along frequency


@dataclass(frozen=True)
class AasistConfig:
    first_conv: int
    filts: tuple[Any, ...]
    gat_dims: tuple[int, int]
    pool_ratios: tuple[float, float, float, float]
    temperatures: tuple[float, float, float, float]
    nb_samp: int = 64_600

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AasistConfig:
        return cls(
            first_conv=int(data["first_conv"]),
            filts=tuple(data["filts"]),
            gat_dims=(int(data["gat_dims"][0]), int(data["gat_dims"][1])),
            pool_ratios=tuple(float(x) for x in data["pool_ratios"]),  # type: ignore[arg-type]
            temperatures=tuple(float(x) for x in data["temperatures"]),  # type: ignore[arg-type]
            nb_samp=int(data.get("nb_samp", 64_600)),
        )


def _mel(hz: np.ndarray) -> np.ndarray:
    return 2595.0 * np.log10(1.0 + hz / 700.0)


def _hz(mel: np.ndarray) -> np.ndarray:
    return 700.0 * (10.0 ** (mel / 2595.0) - 1.0)


class SincFilterBank(nn.Module):
    """Fixed band-pass filters with edges evenly spaced on the mel scale (not learned).

    The filters are a buffer that is not saved: the checkpoints hold no front-end weights.
    An even kernel size is made odd so each filter is symmetric about its centre tap.
    """

    weight: Tensor

    def __init__(self, n_filters: int, kernel_size: int, sample_rate: int = SAMPLE_RATE) -> None:
        super().__init__()
        size = kernel_size + 1 if kernel_size % 2 == 0 else kernel_size
        # Band edges: n_filters + 1 points evenly spaced in mel between the mel values of
        # a 512-point FFT grid's first and last bins (0 Hz and Nyquist).
        grid = (sample_rate // 2) * np.linspace(0.0, 1.0, 257)
        mel_grid = _mel(grid)
        edges = _hz(np.linspace(mel_grid.min(), mel_grid.max(), n_filters + 1))
        taps = np.arange(-(size - 1) / 2, (size - 1) / 2 + 1)
        window = np.hamming(size)
        bank = np.zeros((n_filters, size), dtype=np.float64)
        for i in range(n_filters):
            low, high = edges[i], edges[i + 1]
            # Ideal band-pass = difference of two ideal low-pass (sinc) responses.
            ideal = (2 * high / sample_rate) * np.sinc(2 * high * taps / sample_rate) - (
                2 * low / sample_rate
            ) * np.sinc(2 * low * taps / sample_rate)
            bank[i] = window * ideal
        weight = torch.tensor(bank, dtype=torch.float32).unsqueeze(1)
        self.register_buffer("weight", weight, persistent=False)

    def forward(self, x: Tensor) -> Tensor:  # (batch, 1, samples) -> (batch, filters, time)
        return F.conv1d(x, self.weight)


class ResidualBlock(nn.Module):
    """Two (2, 3) convolutions with a skip path, then max pooling over time by 3.

    The published checkpoints were trained with ``conv1`` reading the block's input
    directly: ``bn1`` exists (and is loaded) but its output never reached ``conv1``.
    The same computation is kept here so the trained weights see what they were trained on.
    """

    def __init__(self, channels: Sequence[int], first: bool = False) -> None:
        super().__init__()
        c_in, c_out = int(channels[0]), int(channels[1])
        self.first = first
        if not first:
            self.bn1 = nn.BatchNorm2d(c_in)
        self.conv1 = nn.Conv2d(c_in, c_out, kernel_size=(2, 3), padding=(1, 1))
        self.bn2 = nn.BatchNorm2d(c_out)
        self.conv2 = nn.Conv2d(c_out, c_out, kernel_size=(2, 3), padding=(0, 1))
        self.conv_downsample: nn.Conv2d | None = None
        if c_in != c_out:
            self.conv_downsample = nn.Conv2d(c_in, c_out, kernel_size=(1, 3), padding=(0, 1))
        self.pool = nn.MaxPool2d((1, 3))

    def forward(self, x: Tensor) -> Tensor:
        out = self.conv2(F.selu(self.bn2(self.conv1(x))))
        skip = x if self.conv_downsample is None else self.conv_downsample(x)
        return self.pool(out + skip)


def _pairwise_products(x: Tensor) -> Tensor:
    """(batch, nodes, dim) -> (batch, nodes, nodes, dim) with entry [i, j] = x_i * x_j."""
    return x.unsqueeze(2) * x.unsqueeze(1)


def _batchnorm_nodes(bn: nn.BatchNorm1d, x: Tensor) -> Tensor:
    shape = x.shape
    return bn(x.reshape(-1, shape[-1])).reshape(shape)


class GraphAttention(nn.Module):
    """Graph attention over a fully connected graph of one node type."""

    def __init__(self, in_dim: int, out_dim: int, temperature: float) -> None:
        super().__init__()
        self.att_proj = nn.Linear(in_dim, out_dim)
        self.att_weight = nn.Parameter(torch.empty(out_dim, 1))
        self.proj_with_att = nn.Linear(in_dim, out_dim)
        self.proj_without_att = nn.Linear(in_dim, out_dim)
        self.bn = nn.BatchNorm1d(out_dim)
        self.temperature = temperature
        nn.init.xavier_normal_(self.att_weight)

    def forward(self, x: Tensor) -> Tensor:
        scores = torch.tanh(self.att_proj(_pairwise_products(x))) @ self.att_weight
        attention = F.softmax(scores / self.temperature, dim=-2).squeeze(-1)
        out = self.proj_with_att(attention @ x) + self.proj_without_att(x)
        return F.selu(_batchnorm_nodes(self.bn, out))


class HeteroGraphAttention(nn.Module):
    """Heterogeneous graph attention over two node types plus a master node (HS-GAL).

    Edges within type 1, within type 2 and across types each get their own attention
    vector; the master node attends to every node with a fourth one.
    """

    def __init__(self, in_dim: int, out_dim: int, temperature: float) -> None:
        super().__init__()
        self.proj_type1 = nn.Linear(in_dim, in_dim)
        self.proj_type2 = nn.Linear(in_dim, in_dim)
        self.att_proj = nn.Linear(in_dim, out_dim)
        self.att_projM = nn.Linear(in_dim, out_dim)
        self.att_weight11 = nn.Parameter(torch.empty(out_dim, 1))
        self.att_weight22 = nn.Parameter(torch.empty(out_dim, 1))
        self.att_weight12 = nn.Parameter(torch.empty(out_dim, 1))
        self.att_weightM = nn.Parameter(torch.empty(out_dim, 1))
        self.proj_with_att = nn.Linear(in_dim, out_dim)
        self.proj_without_att = nn.Linear(in_dim, out_dim)
        self.proj_with_attM = nn.Linear(in_dim, out_dim)
        self.proj_without_attM = nn.Linear(in_dim, out_dim)
        self.bn = nn.BatchNorm1d(out_dim)
        self.temperature = temperature
        for p in (self.att_weight11, self.att_weight22, self.att_weight12, self.att_weightM):
            nn.init.xavier_normal_(p)

    def forward(self, x1: Tensor, x2: Tensor, master: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        n1 = x1.shape[1]
        x = torch.cat([self.proj_type1(x1), self.proj_type2(x2)], dim=1)
        hidden = torch.tanh(self.att_proj(_pairwise_products(x)))
        # One attention vector per block of the adjacency: (1,1), (2,2) and both (1,2) blocks.
        scores = torch.cat(
            [
                torch.cat(
                    [
                        hidden[:, :n1, :n1] @ self.att_weight11,
                        hidden[:, :n1, n1:] @ self.att_weight12,
                    ],
                    dim=2,
                ),
                torch.cat(
                    [
                        hidden[:, n1:, :n1] @ self.att_weight12,
                        hidden[:, n1:, n1:] @ self.att_weight22,
                    ],
                    dim=2,
                ),
            ],
            dim=1,
        )
        attention = F.softmax(scores / self.temperature, dim=-2).squeeze(-1)

        # The master node aggregates every node (directed edges node -> master).
        master_scores = torch.tanh(self.att_projM(x * master)) @ self.att_weightM
        master_att = F.softmax(master_scores / self.temperature, dim=-2)  # (b, nodes, 1)
        new_master = self.proj_with_attM(master_att.transpose(1, 2) @ x) + self.proj_without_attM(
            master
        )

        out = self.proj_with_att(attention @ x) + self.proj_without_att(x)
        out = F.selu(_batchnorm_nodes(self.bn, out))
        return out[:, :n1], out[:, n1:], new_master


class GraphPool(nn.Module):
    """Keep the top ``ratio`` of nodes by a learned sigmoid score, scaled by that score."""

    def __init__(self, ratio: float, in_dim: int) -> None:
        super().__init__()
        self.ratio = ratio
        self.proj = nn.Linear(in_dim, 1)

    def forward(self, h: Tensor) -> Tensor:
        scores = torch.sigmoid(self.proj(h))  # (b, nodes, 1)
        keep = max(int(h.shape[1] * self.ratio), 1)
        idx = torch.topk(scores, keep, dim=1).indices.expand(-1, -1, h.shape[2])
        return torch.gather(h * scores, 1, idx)


class Aasist(nn.Module):
    """AASIST / AASIST-L; ``forward`` maps (batch, samples) at 16 kHz to (batch, 2) logits.

    Logit index 1 is bona fide speech and index 0 is spoofed, as in the checkpoints.
    """

    def __init__(self, config: AasistConfig) -> None:
        super().__init__()
        filts = config.filts
        d0, d1 = config.gat_dims
        t = config.temperatures
        r = config.pool_ratios
        last = int(filts[-1][-1])
        self.conv_time = SincFilterBank(int(filts[0]), config.first_conv)
        self.first_bn = nn.BatchNorm2d(1)
        self.encoder = nn.Sequential(
            nn.Sequential(ResidualBlock(filts[1], first=True)),
            nn.Sequential(ResidualBlock(filts[2])),
            nn.Sequential(ResidualBlock(filts[3])),
            nn.Sequential(ResidualBlock(filts[4])),
            nn.Sequential(ResidualBlock(filts[4])),
            nn.Sequential(ResidualBlock(filts[4])),
        )
        self.pos_S = nn.Parameter(torch.zeros(1, N_SPECTRAL_NODES, last))
        self.master1 = nn.Parameter(torch.zeros(1, 1, d0))
        self.master2 = nn.Parameter(torch.zeros(1, 1, d0))
        self.GAT_layer_S = GraphAttention(last, d0, t[0])
        self.GAT_layer_T = GraphAttention(last, d0, t[1])
        self.HtrgGAT_layer_ST11 = HeteroGraphAttention(d0, d1, t[2])
        self.HtrgGAT_layer_ST12 = HeteroGraphAttention(d1, d1, t[2])
        self.HtrgGAT_layer_ST21 = HeteroGraphAttention(d0, d1, t[2])
        self.HtrgGAT_layer_ST22 = HeteroGraphAttention(d1, d1, t[2])
        self.pool_S = GraphPool(r[0], d0)
        self.pool_T = GraphPool(r[1], d0)
        # The released models use the third ratio for all four pools after the HS-GALs.
        self.pool_hS1 = GraphPool(r[2], d1)
        self.pool_hT1 = GraphPool(r[2], d1)
        self.pool_hS2 = GraphPool(r[2], d1)
        self.pool_hT2 = GraphPool(r[2], d1)
        self.out_layer = nn.Linear(5 * d1, 2)

    def _branch(
        self,
        first: HeteroGraphAttention,
        second: HeteroGraphAttention,
        pool_s: GraphPool,
        pool_t: GraphPool,
        nodes_t: Tensor,
        nodes_s: Tensor,
        master: Tensor,
    ) -> tuple[Tensor, Tensor, Tensor]:
        t1, s1, m1 = first(nodes_t, nodes_s, master)
        s1, t1 = pool_s(s1), pool_t(t1)
        t_aug, s_aug, m_aug = second(t1, s1, m1)
        return t1 + t_aug, s1 + s_aug, m1 + m_aug

    def forward(self, waveform: Tensor) -> Tensor:
        x = self.conv_time(waveform.unsqueeze(1)).unsqueeze(1)  # (b, 1, filters, time)
        x = F.selu(self.first_bn(F.max_pool2d(torch.abs(x), (3, 3))))
        e = self.encoder(x).abs()  # (b, channels, 23, time')

        nodes_s = e.max(dim=3).values.transpose(1, 2) + self.pos_S
        nodes_s = self.pool_S(self.GAT_layer_S(nodes_s))
        nodes_t = e.max(dim=2).values.transpose(1, 2)
        nodes_t = self.pool_T(self.GAT_layer_T(nodes_t))

        t1, s1, m1 = self._branch(
            self.HtrgGAT_layer_ST11,
            self.HtrgGAT_layer_ST12,
            self.pool_hS1,
            self.pool_hT1,
            nodes_t,
            nodes_s,
            self.master1,
        )
        t2, s2, m2 = self._branch(
            self.HtrgGAT_layer_ST21,
            self.HtrgGAT_layer_ST22,
            self.pool_hS2,
            self.pool_hT2,
            nodes_t,
            nodes_s,
            self.master2,
        )
        out_t, out_s = torch.maximum(t1, t2), torch.maximum(s1, s2)
        master = torch.maximum(m1, m2).expand(out_t.shape[0], -1, -1)
        readout = torch.cat(
            [
                out_t.abs().max(dim=1).values,
                out_t.mean(dim=1),
                out_s.abs().max(dim=1).values,
                out_s.mean(dim=1),
                master.squeeze(1),
            ],
            dim=1,
        )
        return self.out_layer(readout)
