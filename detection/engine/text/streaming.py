"""Sliding windows over text that arrives in pieces (typing, chat messages); stdlib only.

``TextStream.feed(chunk)`` appends text and returns every window that became complete:
``window_words`` words, each window starting ``window_words - overlap_words`` words after
the previous one. ``flush()`` returns the trailing words not yet covered by a window (when
there are at least ``min_words``), e.g. when a chat message ends.

Memory is bounded: only text from the start of the next window onwards is kept, and a
run of text without spaces beyond ``max_buffer_chars`` is cut (``dropped_chars`` counts
what was discarded), so a client sending 10 MB without a space cannot grow the buffer.
Offsets in each window are absolute character positions in everything fed so far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class StreamSettings:
    window_words: int = 120
    overlap_words: int = 40
    min_words: int = 40  # the detector refuses fewer (limits.MIN_WORDS)
    max_buffer_chars: int = 50_000

    def __post_init__(self) -> None:
        if not self.min_words <= self.window_words <= 2000:
            raise ValueError(f"window_words must be between {self.min_words} and 2000")
        if not 0 <= self.overlap_words < self.window_words:
            raise ValueError("overlap_words must be at least 0 and less than window_words")


@dataclass(frozen=True)
class StreamWindow:
    index: int
    start: int  # absolute character offset of the window's first word
    end: int  # absolute character offset just past its last word
    words: int
    text: str
    final: bool = False  # produced by flush(): the tail, possibly shorter


class TextStream:
    def __init__(self, settings: StreamSettings | None = None) -> None:
        self.settings = settings or StreamSettings()
        self.buffer = ""
        self.offset = 0  # absolute position of buffer[0]
        self.next_index = 0
        self.covered_to = 0  # absolute end of the last window emitted
        self.next_start = 0  # absolute offset where the next window begins
        self.dropped_chars = 0
        self.total_chars = 0

    def feed(self, chunk: str) -> list[StreamWindow]:
        self.buffer += chunk
        self.total_chars += len(chunk)
        self._bound()
        # Words touching the end of the buffer may continue in the next chunk.
        words = [m.span() for m in _WORD.finditer(self.buffer) if m.end() < len(self.buffer)]
        out: list[StreamWindow] = []
        s = self.settings
        step = s.window_words - s.overlap_words
        cursor = next(
            (k for k, w in enumerate(words) if w[0] + self.offset >= self.next_start), len(words)
        )
        while len(words) - cursor >= s.window_words:
            span = words[cursor : cursor + s.window_words]
            out.append(self._window(span[0][0], span[-1][1], s.window_words, final=False))
            cursor += step
            self.next_start = self.offset + (
                words[cursor][0] if cursor < len(words) else len(self.buffer)
            )
        # Keep what the next window needs, and the last window's worth of words for flush().
        keep_from = min(
            self.next_start - self.offset,
            words[-s.window_words][0] if len(words) >= s.window_words else 0,
        )
        if keep_from > 0:
            self._trim(keep_from)
        return out

    def flush(self) -> StreamWindow | None:
        """The uncovered tail as one last window, if it has at least ``min_words`` words.

        The tail is taken as the last ``window_words`` words, so it overlaps earlier
        windows when it is short; text already fully covered gives nothing.
        """
        words = [m.span() for m in _WORD.finditer(self.buffer)]
        uncovered = [w for w in words if w[1] + self.offset > self.covered_to]
        if not uncovered:
            return None
        span = words[-self.settings.window_words :]
        if len(span) < self.settings.min_words:
            return None
        return self._window(span[0][0], span[-1][1], len(span), final=True)

    def reset(self) -> None:
        self.__init__(self.settings)  # type: ignore[misc]

    def _window(self, start: int, end: int, n_words: int, *, final: bool) -> StreamWindow:
        window = StreamWindow(
            index=self.next_index,
            start=self.offset + start,
            end=self.offset + end,
            words=n_words,
            text=self.buffer[start:end],
            final=final,
        )
        self.next_index += 1
        self.covered_to = max(self.covered_to, window.end)
        return window

    def _trim(self, upto: int) -> None:
        self.buffer = self.buffer[upto:]
        self.offset += upto

    def _bound(self) -> None:
        excess = len(self.buffer) - self.settings.max_buffer_chars
        if excess > 0:
            self.dropped_chars += excess
            self._trim(excess)
