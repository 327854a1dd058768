"""Speech windows keep their original times; short speech is tiled for AASIST."""

from __future__ import annotations

import numpy as np

from detection.engine.audio.windows import plan_windows, repeat_to, window_starts

SR = 16_000


def test_window_starts_overlap_and_end_flush_with_the_speech() -> None:
    assert window_starts(100, 40, 20) == [0, 20, 40, 60]
    assert window_starts(110, 40, 20) == [0, 20, 40, 60, 70]
    assert window_starts(30, 40, 20) == [0]


def test_windows_skip_silence_but_report_original_times_and_gaps() -> None:
    samples = np.arange(10 * SR, dtype=np.float32)
    # Speech from 1-3 s and 6-9 s: 5 s of speech in all.
    segments = [(1 * SR, 3 * SR), (6 * SR, 9 * SR)]
    plan = plan_windows(samples, segments, size=4 * SR, hop=2 * SR)
    assert plan.speech_seconds == 5.0 and plan.total_seconds == 10.0
    assert [(w.start_s, w.end_s) for w in plan.windows] == [(1.0, 8.0), (2.0, 9.0)]
    # The first window joins the two segments: 2 s + the first 2 s of the second.
    first = plan.windows[0].samples
    assert len(first) == 4 * SR
    assert first[0] == 1 * SR and first[2 * SR] == 6 * SR
    assert plan.gaps == [(0.0, 1.0), (3.0, 6.0), (9.0, 10.0)]


def test_less_than_half_a_second_of_speech_gives_no_window() -> None:
    plan = plan_windows(np.ones(3 * SR, dtype=np.float32), [(0, SR // 4)], 4 * SR, 2 * SR)
    assert plan.windows == []
    assert plan.gaps == [(0.25, 3.0)]


def test_short_speech_is_tiled_to_the_model_input() -> None:
    x = np.arange(5, dtype=np.float32)
    assert repeat_to(x, 12).tolist() == [0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1]
    assert repeat_to(np.arange(20, dtype=np.float32), 12).tolist() == list(range(12))
