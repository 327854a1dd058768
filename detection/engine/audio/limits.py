"""Input limits of the audio detectors (torch-free; the web process reads them too)."""

from __future__ import annotations

from .. import settings

SAMPLE_RATE = 16_000  # every detector here works on 16 kHz mono

# The upload limit: ten minutes by default, DETECTION_AUDIO_MAX_SECONDS to change it.
# Shorter than this holds too little speech for either detector to say anything.
MIN_SECONDS = 0.5
# Sample rates outside this range are not speech recordings we can resample sensibly.
MIN_SAMPLE_RATE = 4_000
MAX_SAMPLE_RATE = 384_000
MAX_CHANNELS = 32

# A file whose samples sit on the rails this often is distorted beyond judging;
# above WARN_CLIPPED_FRACTION the result carries a warning.
REJECT_CLIPPED_FRACTION = 0.10
WARN_CLIPPED_FRACTION = 0.001
CLIP_LEVEL = 0.999


def max_seconds() -> float:
    return settings.current().audio.max_seconds
