"""The published RawGAT-ST checkpoint (ASVspoof 2019 LA, "mul" fusion; MIT, EURECOM).

``rawgat_st/RawGAT_ST_mul.pth`` under the weights directory (``DETECTION_WEIGHTS_DIR``),
pinned by sha256 and loaded with ``strict=True`` into :class:`rawgat_net.RawGatST`.
``manage.py fetch_weights`` can fetch it from the authors' repository on request; nothing
downloads at run time.
"""

from __future__ import annotations

from typing import Any

from ..weights import PinnedFile, require_file

MODEL_ID = "eurecom-asp/RawGAT-ST-antispoofing:RawGAT_ST_mul"
WEIGHTS = PinnedFile(
    "rawgat_st/RawGAT_ST_mul.pth",
    "8a91ce8201d42119cbfb9ebca8850e5914f1a85959b3ca962819783738c2a9e2",
    "https://github.com/eurecom-asp/RawGAT-ST-antispoofing/raw/"
    "e3b049f79b3cd9552e66f6d0ba844cbb9399c479/Pre_trained_models/RawGAT_ST_mul/Best_epoch.pth",
)


# For ``manage.py fetch_weights`` (a dict of name -> pinned file, like aasist_weights).
ALL_WEIGHTS = {"RawGAT-ST": WEIGHTS}


def probe() -> None:
    """Torch-free: the pinned checkpoint is present with the right checksum."""
    require_file(WEIGHTS)


def load_rawgat() -> Any:
    """RawGAT-ST with the published weights loaded strictly, in eval mode."""
    import torch

    from .rawgat_net import RawGatST

    path = require_file(WEIGHTS)
    net = RawGatST()
    net.load_state_dict(torch.load(path, map_location="cpu", weights_only=True), strict=True)
    net.eval()
    return net
