"""How results are put into words and colours for people: one vocabulary for every page.

The result page, history, live page, API (the ``reading`` field), admin and the accuracy
page all take their verdict names, colours, confidence bands and explanations from here,
so the same detection never reads two ways. Nothing here imports a model runtime: it reads
stored rows and the detectors' calibration files (JSON).
"""

from __future__ import annotations

from .reading import reading_for
from .vocabulary import VERDICTS, verdict_label, vocabulary

__all__ = ["VERDICTS", "reading_for", "verdict_label", "vocabulary"]
