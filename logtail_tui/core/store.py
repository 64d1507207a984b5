"""The bounded scrollback: chunks of lines addressed by absolute line number.

Lines live in chunks (`logtail_tui.core.chunks`): a few objects per chunk, never one per line.
Absolute numbers never change: line ``n`` stays line ``n`` after older lines are evicted, and
history indexed backwards from the end of a file is *prepended* with numbers below the
oldest one, so the pane's cache, the view's index and search hits stay valid throughout.

Memory: stream text beyond ``memory_budget`` bytes moves to a private temporary file
(`SpillFile`); file lines stay in their file. What is kept at all is bounded by
``max_lines``; evicting is dropping whole chunks from the front (plus a trim offset into the
oldest one), so it costs the same for one line as for a million.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Iterator

from logtail_tui.core import time_column
from logtail_tui.core.chunks import CHUNK_LINES, Chunk, FileChunk, LineCache, TextChunk
from logtail_tui.core.record import Batch, Record
from logtail_tui.core.records import CONTINUATION, MAX_RECORD_LINES
from logtail_tui.core.settings import DEFAULT_MAX_LINES, DEFAULT_MEMORY_BUDGET
from logtail_tui.core.spill import SpillFile


class LogStore:
    """Keeps at most ``max_lines`` records; older ones are evicted and counted.

    Args:
        max_lines: Lines kept (in memory or spilled); older ones are evicted.
        memory_budget: Bytes of sealed stream text kept in memory; ``0`` never spills.
        spill_dir: Where the spill file goes (the system's temporary directory by default).
    """

    def __init__(
        self,
        max_lines: int = DEFAULT_MAX_LINES,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        spill_dir: str | None = None,
    ) -> None:
        if max_lines < 1:
            raise ValueError("max_lines must be at least 1")
        self.max_lines = max_lines
        self.memory_budget = memory_budget
        self.spill_dir = spill_dir
        self.cache = LineCache()
        self._chunks: list[Chunk] = []
        self._starts: list[int] = []
        self._spill: SpillFile | None = None
        self._in_memory = 0
        self._last_source = -1
        """Source of the newest line (a batch from another one starts a record)."""
        self.first = 0
        """Absolute number of the oldest kept line."""
        self._end = 0
        self.origin = 0
        """Absolute number of the oldest line ever added: line ``n`` is shown as ``n - origin + 1``."""
        self.received = 0
        """Records ever added."""
        self.evicted = 0
        """Records dropped because the scrollback was full."""
        self.cleared = 0
        """Records dropped by the user clearing the view."""
        self.spilled_chunks = 0
        """Chunks moved to the spill file so far (for tests and the status bar)."""

    # -- size
    def __len__(self) -> int:
        return self._end - self.first

    @property
    def end(self) -> int:
        """Absolute number one past the newest line."""
        return self._end

    def __contains__(self, n: object) -> bool:
        return isinstance(n, int) and self.first <= n < self._end

    @property
    def chunk_count(self) -> int:
        return len(self._chunks)

    # -- writing
    def extend(self, batch: Batch, source: int = 0) -> int:
        """Append ``batch``; returns how many old lines were evicted to make room."""
        n = len(batch)
        if not n:
            return 0
        done = 0
        while done < n:
            chunk = self._chunks[-1] if self._chunks else None
            if not isinstance(chunk, TextChunk) or chunk.sealed or chunk.n >= CHUNK_LINES:
                chunk = TextChunk(source)
                chunk.cache = self.cache
                self._push(chunk)
            take = min(n - done, CHUNK_LINES - chunk.n)
            # A record goes on only from the same source, right after its last line.
            joins = source == self._last_source and self._end > self.first
            chunk.append(batch, source, done, done + take, joins)
            self._last_source = source
            done += take
            self._end += take
            if chunk.n >= CHUNK_LINES:
                self._seal(chunk)
        self.received += n
        return self._evict_over()

    def add_chunk(self, chunk: Chunk, source: int = 0, prepend: bool = False) -> int:
        """Add a whole chunk at the end, or before the oldest line (history read backwards).

        Returns how many lines were evicted to make room (a prepended chunk that does not fit
        is itself trimmed).
        """
        if not chunk.n:
            return 0
        chunk.source = source
        chunk.cache = self.cache
        open_chunk = self._chunks[-1] if self._chunks else None
        if prepend and self._chunks:
            chunk.start = self.first - chunk.n
            self._chunks.insert(0, chunk)
            self._starts.insert(0, chunk.start)
            self._fix_orphans(self._chunks[1], chunk)
            self.first = chunk.start
            self.origin = min(self.origin, self.first)
        else:
            if isinstance(open_chunk, TextChunk):
                self._seal(open_chunk)
            if chunk.starts is not None and (source != self._last_source or not len(self)):
                chunk.starts[0] = 1
            self._push(chunk)
            self._end += chunk.n
            self._last_source = source
        self._in_memory += chunk.nbytes
        self.received += chunk.n
        return self._evict_over()

    def _push(self, chunk: Chunk) -> None:
        """Put ``chunk`` after the newest line (its lines are counted by the caller)."""
        if not self._chunks:
            self.first = self._end
        chunk.start = self._end
        self._chunks.append(chunk)
        self._starts.append(chunk.start)

    def _seal(self, chunk: TextChunk) -> None:
        if chunk.sealed:
            return
        chunk.seal()
        self._in_memory += chunk.nbytes
        if self.memory_budget and self._in_memory > self.memory_budget:
            self._spill_oldest()

    def _spill_oldest(self) -> None:
        for chunk in self._chunks:
            if self._in_memory <= self.memory_budget // 2:
                return
            if isinstance(chunk, TextChunk) and chunk.sealed and chunk.in_memory:
                if self._spill is None or self._spill.full:
                    self._spill = SpillFile(self.spill_dir)
                self._in_memory -= chunk.spill(self._spill)
                self.spilled_chunks += 1

    def _fix_orphans(self, later: Chunk, earlier: Chunk) -> None:
        """Continuation lines at the start of ``later`` join the record at ``earlier``'s end
        and take its level (until then they were records of their own)."""
        orphans = getattr(later, "orphans", None)
        if orphans is None:  # stream lines: count them now
            orphans = leading_orphans(later)
        orphans = min(orphans, later.n, MAX_RECORD_LINES - 1)
        if orphans and earlier.n and earlier.source == later.source:
            level = earlier.levels[-1]
            if level:
                later.levels[:orphans] = bytes([level]) * orphans
                if later.starts is None:
                    later.starts = bytearray(b"\x01") * later.n
                later.starts[:orphans] = bytes(orphans)
            if isinstance(later, FileChunk):
                later.orphans = 0

    def _evict_over(self) -> int:
        """Drop the oldest lines beyond ``max_lines`` (a prepended chunk that does not fit
        keeps its newest lines only)."""
        over = len(self) - self.max_lines
        if over <= 0:
            return 0
        self._drop_front(self.first + over)
        self.evicted += over
        return over

    def _drop_front(self, new_first: int) -> None:
        while self._chunks and self._chunks[0].start + self._chunks[0].n <= new_first:
            chunk = self._chunks.pop(0)
            self._starts.pop(0)
            self._forget(chunk)
        self.first = min(new_first, self._end)

    def _forget(self, chunk: Chunk) -> None:
        if not isinstance(chunk, TextChunk) or chunk.sealed:
            self._in_memory -= chunk.nbytes
        chunk.release()

    def clear(self) -> int:
        """Forget every line (the user's ``c``); returns how many were cleared."""
        count = len(self)
        for chunk in self._chunks:
            self._forget(chunk)
        self._chunks.clear()
        self._starts.clear()
        self.cache.clear()
        self.first = self._end
        self._in_memory = 0
        self.cleared += count
        return count

    # -- reading by absolute number
    def locate(self, n: int) -> tuple[Chunk, int]:
        """The chunk holding line ``n`` and the line's index in it; ``IndexError`` if not kept."""
        if not self.first <= n < self._end:
            raise IndexError(f"line {n} is not kept")
        k = bisect_right(self._starts, n) - 1
        chunk = self._chunks[k]
        return chunk, n - chunk.start

    def record(self, n: int) -> Record:
        chunk, i = self.locate(n)
        return chunk.record(i)

    def text(self, n: int) -> str:
        return self.record(n).text

    def level(self, n: int) -> int:
        chunk, i = self.locate(n)
        return chunk.levels[i]

    def time(self, n: int) -> str | None:
        return self.record(n).time

    def raw(self, n: int) -> str | None:
        return self.record(n).raw

    def source(self, n: int) -> int:
        chunk, i = self.locate(n)
        return chunk.source_of(i)

    def export(self, n: int) -> str:
        """Line ``n`` as copy and save write it (the raw original where there is one)."""
        chunk, i = self.locate(n)
        return chunk.export(i)

    def pieces(self, lo: int, hi: int) -> Iterator[tuple[Chunk, int, int]]:
        """``(chunk, i, j)`` for the kept lines ``lo .. hi-1``: chunk lines ``i .. j-1``."""
        lo, hi = max(lo, self.first), min(hi, self._end)
        if lo >= hi:
            return
        k = bisect_right(self._starts, lo) - 1
        for chunk in self._chunks[k:]:
            start = chunk.start
            if start >= hi:
                return
            yield chunk, max(lo - start, 0), min(hi - start, chunk.n)

    def levels_between(self, lo: int, hi: int) -> bytes:
        """The level column of lines ``lo .. hi-1``."""
        return b"".join(bytes(c.levels[i:j]) for c, i, j in self.pieces(lo, hi))

    def times_between(self, lo: int, hi: int) -> array[float]:
        """Epoch seconds of lines ``lo .. hi-1``, NaN where a line has none (parsed lazily
        per chunk, then kept: see `logtail_tui.core.time_column`)."""
        return time_column.times_between(self, lo, hi)

    def time_of(self, n: int) -> float | None:
        """Epoch seconds of line ``n`` (its parsed time), ``None`` when it has none."""
        return time_column.time_of(self, n)

    def has_file_chunks(self) -> bool:
        return any(isinstance(c, FileChunk) for c in self._chunks)

    @property
    def memory_bytes(self) -> int:
        """Bytes of line text held in memory (sealed chunks; the open one is not counted)."""
        return self._in_memory


def leading_orphans(chunk: Chunk) -> int:
    """Leading level-less lines of ``chunk`` that look like continuations of a line before it."""
    count = 0
    levels = chunk.levels
    limit = min(chunk.n, MAX_RECORD_LINES)
    while count < limit and not levels[count]:
        count += 1
    if not count:
        return 0
    cont = CONTINUATION.match
    texts = chunk.texts(0, count)
    return next((k for k, text in enumerate(texts) if not cont(text)), count)
