"""Audio detectors: is this speech real or synthetic?

- ``audio.ensemble`` (default): the voice detector, heads on Whisper-encoder and spectral
  features (and anti-spoofing networks where the held-out figures support them) fused by
  weights learned on held-out generator families; source tracing; its own 2 s live head.
- ``audio.vote``: the previous default, AASIST and the Whisper head by weighted voting.
- ``audio.aasist``: AASIST anti-spoofing network on the raw waveform (published
  ASVspoof 2019 LA checkpoint, recalibrated on the shared data).
- ``audio.whisper_head``: a trained linear head on Whisper-base encoder and spectral
  statistics.

Speech is found with Silero VAD first; silence and noise are never scored. Live audio goes
through :class:`detection.engine.audio.streaming.StreamingAudioAnalyzer`. This module is
imported by the web process: it must stay cheap and torch-free.
"""

from __future__ import annotations

from ..registry import DetectorSpec

SPECS: list[DetectorSpec] = [
    DetectorSpec(
        name="audio.ensemble",
        modality="audio",
        impl="detection.engine.audio.voice:VoiceEnsemble",
        description="voice detector: Whisper-encoder + spectral heads fused on held-out "
        "families, with source tracing",
        default=True,
        probe="detection.engine.audio.probes:probe_voice",
    ),
    DetectorSpec(
        name="audio.vote",
        modality="audio",
        impl="detection.engine.audio.ensemble:AudioEnsemble",
        description="AASIST + Whisper-feature head, weighted vote over speech windows",
        probe="detection.engine.audio.probes:probe_ensemble",
    ),
    DetectorSpec(
        name="audio.aasist",
        modality="audio",
        impl="detection.engine.audio.aasist:AasistDetector",
        description="AASIST raw-waveform anti-spoofing network (ASVspoof 2019 LA checkpoint)",
        probe="detection.engine.audio.probes:probe_aasist",
    ),
    DetectorSpec(
        name="audio.whisper_head",
        modality="audio",
        impl="detection.engine.audio.whisper_head:WhisperHeadDetector",
        description="logistic head on Whisper-base encoder + MFCC/LFCC/contrast statistics",
        probe="detection.engine.audio.probes:probe_whisper_head",
    ),
    DetectorSpec(
        name="audio.live_window",
        modality="audio",
        impl="detection.engine.audio.live_window:LiveVoiceDetector",
        description="one live 2 s voice window, scored by audio.ensemble's live head",
        probe="detection.engine.audio.probes:probe_voice",
    ),
]
