"""A tiny latent autoencoder (TAESD family) to make *aligned* AI samples from real photos.

A real photo encoded and decoded by a generator family's autoencoder keeps its content and
gains only the decoder's traces. Labelled AI, such reconstructions stop a head from learning
content shortcuts ("a face means AI"): the real photo and its reconstruction share every
face, object and scene. Built here from the published architecture of madebyollin/taesd
(3x3 conv stacks with residual blocks, 8x down/up-sampling; the FLUX.2 variant adds a
pooled group-norm branch in the mid blocks); the released state dict is loaded strictly,
so a file that does not match this network is refused rather than half-loaded.

Only ``taef2`` (FLUX.2 VAE) has both halves under the snapshot size limit; it is what
``corpus.py aligned`` uses. Offline use only (training data), never at inference.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import torch
from PIL import Image
from torch import nn

# sha256 of the released files (madebyollin/taesd @ 5cccb12dc72074a4be35680c3b108548a7c69978)
TAEF2_SHA256 = {
    "encoder": "10a4e1021e89d7551eaf161352da8dbd0b1aa83872ae28b150c1df1ce2f147b6",
    "decoder": "0a44a31e1ae59eb9dbf9359d24942fd3ef5928162c1800d97a28c61d51be0ab5",
}
TAEF2_LATENT_CHANNELS = 32


def _conv(n_in: int, n_out: int, stride: int = 1, bias: bool = True) -> nn.Conv2d:
    return nn.Conv2d(n_in, n_out, 3, stride=stride, padding=1, bias=bias)


class SoftClamp(nn.Module):
    """Bounds latents smoothly to (-3, 3) before decoding."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.tanh(x / 3) * 3


class ResBlock(nn.Module):
    def __init__(self, channels: int, pooled_norm: bool = False) -> None:
        super().__init__()
        c = channels
        self.conv = nn.Sequential(_conv(c, c), nn.ReLU(), _conv(c, c), nn.ReLU(), _conv(c, c))
        self.skip = nn.Identity()
        self.fuse = nn.ReLU()
        self.pool: nn.Module | None = None
        if pooled_norm:
            wide = c * 4
            self.pool = nn.Sequential(
                nn.Conv2d(c, wide, 1, bias=False),
                nn.GroupNorm(4, wide),
                nn.ReLU(),
                nn.Conv2d(wide, c, 1, bias=False),
            )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.pool is not None:
            x = x + self.pool(x)
        return self.fuse(self.conv(x) + self.skip(x))


def encoder(latent: int, pooled_mid: bool) -> nn.Sequential:
    def stage(pooled: bool = False) -> list[nn.Module]:
        return [_conv(64, 64, stride=2, bias=False), *[ResBlock(64, pooled) for _ in range(3)]]

    return nn.Sequential(
        _conv(3, 64), ResBlock(64), *stage(), *stage(), *stage(pooled_mid), _conv(64, latent)
    )


def decoder(latent: int, pooled_mid: bool) -> nn.Sequential:
    def stage(pooled: bool = False) -> list[nn.Module]:
        return [
            *[ResBlock(64, pooled) for _ in range(3)],
            nn.Upsample(scale_factor=2),
            _conv(64, 64, bias=False),
        ]

    return nn.Sequential(
        SoftClamp(),
        _conv(latent, 64),
        nn.ReLU(),
        *stage(pooled_mid),
        *stage(),
        *stage(),
        ResBlock(64),
        _conv(64, 3),
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


class TinyAutoencoder:
    """Encode-decode round trip of RGB images in [0, 1] (sizes cropped to multiples of 8)."""

    def __init__(self, folder: Path) -> None:
        self.encoder = encoder(TAEF2_LATENT_CHANNELS, pooled_mid=True)
        self.decoder = decoder(TAEF2_LATENT_CHANNELS, pooled_mid=True)
        for part, net in (("encoder", self.encoder), ("decoder", self.decoder)):
            path = folder / f"taef2_{part}.pth"
            digest = _sha256(path)
            if digest != TAEF2_SHA256[part]:
                raise ValueError(f"{path}: sha256 {digest} is not the released taef2 {part}")
            state = torch.load(path, map_location="cpu", weights_only=True)
            net.load_state_dict(state, strict=True)
            net.eval()

    @torch.inference_mode()
    def reconstruct(self, img: Image.Image) -> Image.Image:
        rgb = img.convert("RGB")
        w, h = (rgb.width // 8) * 8, (rgb.height // 8) * 8
        arr = np.asarray(rgb.crop((0, 0, w, h)), dtype=np.float32) / 255.0
        x = torch.from_numpy(arr).permute(2, 0, 1)[None]
        y = self.decoder(self.encoder(x)).clamp(0, 1)[0]
        out = (y.permute(1, 2, 0).numpy() * 255.0).round().astype(np.uint8)
        return Image.fromarray(out)
