"""Live audio: 2 s windows every 1.5 s from PCM chunks of any size."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from detection.engine.audio.streaming import STREAM_HOP, STREAM_WINDOW, StreamingAudioAnalyzer
from detection.engine.errors import InputRejected

from .conftest import speech_samples

pytestmark = pytest.mark.model
SR = 16_000


@pytest.fixture
def analyzer(voice: object) -> StreamingAudioAnalyzer:
    return StreamingAudioAnalyzer(pcm_format="s16le")


def _int16(x: np.ndarray) -> np.ndarray:
    return np.clip(x * 32768, -32768, 32767).astype(np.int16)


def test_window_geometry_is_two_seconds_with_half_a_second_overlap() -> None:
    assert STREAM_WINDOW == 2 * SR and int(1.5 * SR) == STREAM_HOP


def test_int16_byte_chunks_of_any_size_give_a_window_every_1_5_s(
    analyzer: StreamingAudioAnalyzer, real_speech: Path
) -> None:
    speech = speech_samples(real_speech)[: int(6.2 * SR)]
    pcm = _int16(speech).tobytes()
    rng = np.random.default_rng(0)
    results = []
    pos = 0
    while pos < len(pcm):
        size = int(rng.integers(100, 3000)) * 2  # whole int16 samples
        results += analyzer.feed(pcm[pos : pos + size])
        pos += size
    # Windows start at 0, 1.5, 3.0 and 4.5 s; the one at 4.5 s ends at 6.5 s > 6.2 s.
    assert [(r.start_s, r.end_s) for r in results] == [(0.0, 2.0), (1.5, 3.5), (3.0, 5.0)]
    tail = analyzer.flush()
    assert [(r.start_s, r.end_s) for r in tail] == [(4.5, 6.2)]
    scored = [r for r in results + tail if r.speech]
    assert scored, "a reading holds speech"
    for r in scored:
        assert r.verdict in ("ai", "human", "uncertain")
        assert 0.0 <= r.probability_ai <= 1.0  # type: ignore[operator]
        assert r.members
        assert r.latency_ms > 0
        assert {"vad", "whisper", "spectral"} <= set(r.timings)
    summary = analyzer.summary()
    assert summary["windows"] == 4 and summary["speech_windows"] == len(scored)


def test_silent_stretches_are_reported_without_a_score(analyzer: StreamingAudioAnalyzer) -> None:
    results = analyzer.feed(np.zeros(int(3.6 * SR), dtype=np.int16))
    assert len(results) == 2
    assert all(not r.speech and r.probability_ai is None and r.verdict is None for r in results)
    assert analyzer.summary()["verdict"] == "uncertain"


def test_float32_chunks_are_accepted(voice: object, tts_speech: Path) -> None:
    stream = StreamingAudioAnalyzer(pcm_format="f32le")
    speech = speech_samples(tts_speech)[: 2 * SR].astype(np.float32)
    results = stream.feed(speech.tobytes())
    assert len(results) == 1 and results[0].speech
    assert results[0].verdict in ("ai", "human", "uncertain")
    assert 0.0 <= results[0].probability_ai <= 1.0  # type: ignore[operator]


def test_malformed_chunks_are_rejected(analyzer: StreamingAudioAnalyzer) -> None:
    with pytest.raises(InputRejected, match="whole"):
        analyzer.feed(b"\x00\x01\x02")
    with pytest.raises(InputRejected, match="mono"):
        analyzer.feed(np.zeros((10, 2), dtype=np.int16))
    with pytest.raises(InputRejected, match="NaN"):
        analyzer.feed(np.array([0.0, np.nan], dtype=np.float32))


def test_the_previous_vote_still_scores_live_windows(ensemble: object, tts_speech: Path) -> None:
    stream = StreamingAudioAnalyzer(pcm_format="f32le", scorer=ensemble)  # type: ignore[arg-type]
    speech = speech_samples(tts_speech)[: 2 * SR].astype(np.float32)
    results = stream.feed(speech.tobytes())
    assert len(results) == 1 and results[0].speech
    assert set(results[0].members) == {"audio.aasist", "audio.whisper_head"}
