"""What gets analysed and when: frame sampling, audio windows, and bounded queues.

None of this touches a detector; the session wires these to the analysis threads.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

SAMPLE_RATE = 16_000

T = TypeVar("T")


class FrameSampler:
    """Keeps frames at ``fps`` on the media clock and lets the others go.

    The camera sends 20-30 frames a second; only every ``1/fps`` seconds of media time is
    one picked. Decisions use the frame's own timestamp (RTP time on WebRTC, arrival time
    on the fallback socket), so a burst of late frames does not raise the rate.
    """

    def __init__(self, fps: float) -> None:
        if fps <= 0:
            raise ValueError("fps must be positive")
        self.interval = 1.0 / fps
        self._next: float | None = None
        self.seen = 0
        self.kept = 0

    def offer(self, t: float) -> bool:
        self.seen += 1
        if self._next is None or t >= self._next - 1e-6:
            # Schedule from the kept frame's time, not from the ideal grid: after a gap
            # (tab in background, network stall) sampling resumes at once.
            base = t if self._next is None or t - self._next > self.interval else self._next
            self._next = base + self.interval
            self.kept += 1
            return True
        return False


@dataclass(frozen=True)
class AudioWindow:
    index: int
    start_s: float  # on the session's audio clock (samples received / 16 kHz)
    end_s: float
    samples: np.ndarray  # float32 in [-1, 1], 16 kHz mono


class AudioWindower:
    """Cuts a 16 kHz mono stream into ``window_s`` windows every ``window_s - overlap_s``.

    Memory is bounded: only the samples the next window still needs are kept.
    """

    def __init__(self, window_s: float = 2.0, overlap_s: float = 0.5) -> None:
        self.size = round(window_s * SAMPLE_RATE)
        self.hop = round((window_s - overlap_s) * SAMPLE_RATE)
        if self.hop <= 0 or self.size <= 0:
            raise ValueError("the window must be longer than its overlap")
        self._buffer = np.zeros(0, dtype=np.float32)
        self._buffer_start = 0  # absolute sample index of _buffer[0]
        self._next_start = 0  # absolute sample index where the next window begins
        self.received = 0  # samples received in total
        self._count = 0

    def push(self, samples: np.ndarray) -> list[AudioWindow]:
        """Add samples (int16 or float); return the windows now complete."""
        chunk = _as_float(samples)
        if chunk.size == 0:
            return []
        self._buffer = np.concatenate([self._buffer, chunk])
        self.received += chunk.size
        windows: list[AudioWindow] = []
        while self._next_start + self.size <= self.received:
            windows.append(self._cut(self._next_start, self._next_start + self.size))
            self._next_start += self.hop
        self._trim()
        return windows

    def flush(self, min_s: float = 0.5) -> AudioWindow | None:
        """At the end, the tail not yet covered by a window, if it is at least ``min_s`` long.

        The tail window reaches back to a full window length where there is audio for it,
        so it is scored on as much context as the others.
        """
        covered_to = self._next_start - self.hop + self.size if self._count else 0
        if self.received - covered_to < round(min_s * SAMPLE_RATE):
            return None
        start = max(self._buffer_start, self.received - self.size)
        window = self._cut(start, self.received)
        self._next_start = self.received
        return window

    def _cut(self, start: int, end: int) -> AudioWindow:
        piece = self._buffer[start - self._buffer_start : end - self._buffer_start].copy()
        window = AudioWindow(self._count, start / SAMPLE_RATE, end / SAMPLE_RATE, piece)
        self._count += 1
        return window

    def _trim(self) -> None:
        # Keep from the next window's start (and the last full window, for flush()).
        keep_from = max(self._buffer_start, min(self._next_start, self.received - self.size))
        if keep_from > self._buffer_start:
            self._buffer = self._buffer[keep_from - self._buffer_start :]
            self._buffer_start = keep_from


def _as_float(samples: np.ndarray) -> np.ndarray:
    array = np.asarray(samples).reshape(-1)
    if array.dtype == np.int16:
        return (array.astype(np.float32) / 32768.0).astype(np.float32)
    return np.clip(array.astype(np.float32), -1.0, 1.0)


class DropOldestQueue(Generic[T]):
    """A queue of at most ``maxsize`` items; putting into a full one drops the oldest.

    This is the back-pressure: when the detectors fall behind, the newest media win and
    nothing waits without bound. ``dropped`` counts what was pushed out. Used on the
    event loop only (no locking).
    """

    def __init__(self, maxsize: int) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self._items: deque[T] = deque()
        self.maxsize = maxsize
        self.dropped = 0

    def put(self, item: T) -> T | None:
        """Add ``item``; return the item it pushed out, if any."""
        pushed_out = None
        if len(self._items) >= self.maxsize:
            pushed_out = self._items.popleft()
            self.dropped += 1
        self._items.append(item)
        return pushed_out

    def pop(self) -> T | None:
        """The oldest waiting item, or None."""
        return self._items.popleft() if self._items else None

    def pop_newest(self) -> T | None:
        """The newest waiting item, or None (older ones stay, until pushed out)."""
        return self._items.pop() if self._items else None

    def __len__(self) -> int:
        return len(self._items)
