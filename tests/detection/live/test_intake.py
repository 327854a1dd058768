"""Frame sampling, audio windows and the bounded queues (no detector involved)."""

from __future__ import annotations

import numpy as np
import pytest

from detection.live.intake import SAMPLE_RATE, AudioWindower, DropOldestQueue, FrameSampler


def test_sampler_keeps_two_frames_a_second_of_a_30_fps_camera() -> None:
    sampler = FrameSampler(2.0)
    kept = [i / 30 for i in range(300) if sampler.offer(i / 30)]  # 10 s of camera time
    assert len(kept) == 20
    gaps = np.diff(kept)
    assert gaps.min() >= 0.5 - 1 / 30 and gaps.max() <= 0.5 + 1 / 30


def test_sampler_resumes_at_once_after_a_stall_instead_of_bursting() -> None:
    sampler = FrameSampler(2.0)
    assert sampler.offer(0.0)
    assert sampler.offer(5.0)  # 5 s without frames: the next one is taken...
    assert not sampler.offer(5.1)  # ...and the rate stays 2 fps, no catch-up burst
    assert sampler.offer(5.5)


def test_audio_windows_are_2_s_long_every_1_5_s() -> None:
    windower = AudioWindower(2.0, 0.5)
    windows = []
    chunk = np.zeros(SAMPLE_RATE // 10, dtype=np.int16)  # 100 ms chunks, like the browser's
    for _ in range(79):  # 7.9 s
        windows += windower.push(chunk)
    starts = [w.start_s for w in windows]
    assert starts == [0.0, 1.5, 3.0, 4.5]  # the window at 6.0 s needs audio up to 8.0 s...
    windows += windower.push(chunk)  # ...which the next chunk completes
    assert [w.start_s for w in windows][-1] == 6.0
    assert all(len(w.samples) == 2 * SAMPLE_RATE for w in windows)
    assert all(w.end_s - w.start_s == 2.0 for w in windows)
    assert [w.index for w in windows] == list(range(5))


def test_audio_window_samples_are_the_stream_in_order_and_scaled_to_float() -> None:
    windower = AudioWindower(2.0, 0.5)
    ramp = (np.arange(4 * SAMPLE_RATE) % 30000).astype(np.int16)
    windows = []
    for piece in np.array_split(ramp, 37):  # odd chunk sizes
        windows += windower.push(piece)
    second = windows[1]
    expected = ramp[int(1.5 * SAMPLE_RATE) : int(3.5 * SAMPLE_RATE)].astype(np.float32) / 32768
    np.testing.assert_allclose(second.samples, expected)


def test_flush_scores_the_uncovered_tail_with_a_full_window_of_context() -> None:
    windower = AudioWindower(2.0, 0.5)
    windower.push(np.zeros(int(4.2 * SAMPLE_RATE), dtype=np.int16))  # windows at 0, 1.5
    tail = windower.flush()
    assert tail is not None
    assert tail.end_s == pytest.approx(4.2)
    assert tail.start_s == pytest.approx(2.2)
    assert windower.flush() is None  # nothing left uncovered


def test_flush_ignores_a_tail_shorter_than_half_a_second() -> None:
    windower = AudioWindower(2.0, 0.5)
    windower.push(np.zeros(int(3.7 * SAMPLE_RATE), dtype=np.int16))  # covered to 3.5 s
    assert windower.flush() is None


def test_windower_memory_stays_bounded_on_a_long_stream() -> None:
    windower = AudioWindower(2.0, 0.5)
    chunk = np.zeros(SAMPLE_RATE, dtype=np.int16)
    for _ in range(600):  # ten minutes
        windower.push(chunk)
    assert windower._buffer.size <= 3 * SAMPLE_RATE


def test_full_queue_drops_the_oldest_item_and_counts_it() -> None:
    queue: DropOldestQueue[int] = DropOldestQueue(2)
    for i in range(5):
        queue.put(i)
    assert len(queue) == 2
    assert queue.dropped == 3
    assert queue.pop() == 3
    assert queue.pop() == 4
    assert queue.pop() is None


def test_newest_first_leaves_the_older_items_waiting() -> None:
    queue: DropOldestQueue[int] = DropOldestQueue(2)
    queue.put(1)
    queue.put(2)
    assert queue.pop_newest() == 2
    assert len(queue) == 1
    queue.put(3)
    queue.put(4)  # pushes 1 out
    assert (queue.pop_newest(), queue.pop_newest(), queue.dropped) == (4, 3, 1)
