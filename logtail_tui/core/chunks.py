"""The scrollback's unit: a chunk of whole lines held as one buffer, with per-line columns.

A chunk costs a few objects however many lines it holds, so a ten-million-line scrollback is
a few hundred objects for the garbage collector, not ten million (docs/architecture.md,
"Scrollback"). Two kinds share one interface:

* `TextChunk`: records that arrived from a stream, already parsed by the source (display
  text, level, time, raw original). While open it appends like a list; once full it is
  sealed, each column joined into one ``str``, and it may be spilled to a private temporary
  file (`SpillFile`) so that a day-long stream keeps memory flat.
* `FileChunk`: raw lines read in bulk from a file, left where they are: on disk (a block of
  an open file, read back with ``pread``) or in one ``bytes`` object. Only the level column
  lives in memory, with a few marks (line starts) by which a window of the lines around
  those asked for is read back; a line is decoded, sanitised and parsed when it is drawn,
  shown in detail, searched or exported.

Both answer `texts` (what filters and search read), `record` (what is drawn) and `export`
(what copy and save write). Split lines of recently used chunks are kept by a `LineCache`.
"""

from __future__ import annotations

from array import array
from itertools import accumulate
from typing import Any

from logtail_tui.core.columns import extend_column, extend_starts, join_optional, join_texts
from logtail_tui.core.decoder import CONTINUED
from logtail_tui.core.file_backing import FileBacking, FileLines, Marks, line_marks
from logtail_tui.core.line_cache import LineCache
from logtail_tui.core.lines import Lines
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, Record
from logtail_tui.core.sanitize import sanitize
from logtail_tui.core.spill import SpillFile

__all__ = ["CHUNK_LINES", "Chunk", "FileBacking", "FileChunk", "LineCache", "TextChunk"]

CHUNK_LINES = 65_536
"""A stream chunk is sealed once it holds this many lines."""


class Chunk:
    """Lines ``0 .. n-1`` of one run; the store gives them absolute numbers from `start`."""

    start: int = 0
    """Absolute number of the chunk's line 0 (set by the store)."""
    source: int = 0
    """Index of the source the lines came from (per line in `TextChunk.sources`)."""
    cache: LineCache | None = None
    levels: bytearray
    """One byte a line: a `Level` value."""
    times: array[float] | None = None
    """Room for per-line epoch seconds (time-aware features fill it; ``None`` until then)."""
    starts: bytearray | None = None
    """Record boundaries (1 = a record starts here); ``None``: every line does. Line 0 may
    continue a record of the chunk before (docs/architecture.md, "Records")."""
    history: bool = False
    """Lines older than all the source sent before (a file read backwards from its end): the
    store puts them before its oldest line instead of after its newest."""

    def __len__(self) -> int:
        return len(self.levels)

    @property
    def n(self) -> int:
        return len(self.levels)

    @property
    def nbytes(self) -> int:
        """Bytes this chunk holds in memory (roughly), for the store's memory budget."""
        return len(self.levels)

    def load(self) -> tuple[Any, ...]:
        """The split columns; called through the `LineCache`."""
        raise NotImplementedError

    def _cols(self) -> tuple[Any, ...]:
        if self.cache is None:
            # Not in a store (plain mode, tests): a private cache of one.
            self.cache = LineCache(1)
        return self.cache.get(self)

    def texts(self, lo: int = 0, hi: int | None = None) -> list[str]:
        """The text of lines ``lo .. hi-1`` as filters and search read it."""
        return self._cols()[0][lo:hi]

    def source_column(self) -> bytes | bytearray | None:
        """Source index per line, ``None`` when all came from `source`."""
        return None

    def source_of(self, i: int) -> int:
        return self.source

    def record(self, i: int) -> Record:
        raise NotImplementedError

    def export(self, i: int) -> str:
        """The line as copy and save write it: the raw original where there is one."""
        record = self.record(i)
        return record.raw or record.text

    def release(self) -> None:
        """The store dropped this chunk."""
        if self.cache is not None:
            self.cache.forget(self)


class TextChunk(Chunk):
    """Records from a stream, in columns; appendable until sealed."""

    def __init__(self, source: int = 0) -> None:
        self.source = source
        self.levels = bytearray()
        self._texts: list[str] | None = []
        self._raws: list[str | None] | None = None
        self._times: list[str | None] | None = None
        self._sources: bytearray | None = None
        self._joined: tuple[str, str | None, str | None] | None = None
        self._spilled: tuple[SpillFile, int, int, int, int] | None = None
        self._ascii = False
        """Sealed: the joined text is ASCII (its spilled bytes then sweep as they are)."""
        self._ends: array[int] | None = None
        """Sealed: the offset just past each line's line feed in the joined text (the next
        line's start), so a hit's offset becomes its line with a bisect, never by counting
        line feeds (docs/architecture.md, "Filters and search over chunks")."""

    # -- writing
    @property
    def sealed(self) -> bool:
        return self._texts is None

    def append(
        self,
        batch: Batch,
        source: int,
        start: int = 0,
        stop: int | None = None,
        joins: bool = True,
    ) -> None:
        """Append rows ``start .. stop`` of ``batch`` from ``source``; ``joins``: the first
        row may continue the record of the line before it (see `extend_starts`)."""
        texts = self._texts
        assert texts is not None, "sealed chunks take no more lines"
        n_old = len(texts)
        rows = slice(start, stop)
        new = batch.texts[rows]
        texts.extend(new)
        self.levels.extend(batch.levels[rows])
        self.starts = extend_starts(self.starts, batch, rows, n_old, len(new), joins)
        self._raws = extend_column(self._raws, batch.raws, rows, n_old, len(new))
        self._times = extend_column(self._times, batch.times, rows, n_old, len(new))
        mixed = getattr(batch, "sources", None)  # a MergedBatch: a source a row
        if source != self.source or self._sources is not None or mixed is not None:
            if self._sources is None:
                self._sources = bytearray([min(self.source, 255)]) * n_old
            self._sources.extend(mixed[rows] if mixed else bytes([min(source, 255)]) * len(new))

    def seal(self) -> None:
        """Join each column into one string: a few objects instead of one a line."""
        texts = self._texts
        if texts is None:
            return
        text = join_texts(texts)
        self._joined = (text, join_optional(self._raws), join_optional(self._times))
        ends = array("I" if len(text) < 2**32 - 1 else "q")
        ends.extend(accumulate(map((1).__add__, map(len, texts))))
        if ends and ends[-1] != len(text) + 1:  # join_texts made line feeds visible as ^J
            ends = array("q", accumulate(len(t) + t.count("\n") + 1 for t in texts))
        self._ends = ends
        self._ascii = text.isascii()  # O(1) on a str: CPython keeps the flag
        self._texts = self._raws = self._times = None
        if self.cache is not None:
            self.cache.forget(self)

    def spill(self, spill: SpillFile) -> int:
        """Move the sealed text to ``spill``; returns the bytes of memory freed."""
        if self._joined is None:
            return 0
        before = self.nbytes
        parts = [(p or "").encode("utf-8", "surrogatepass") for p in self._joined]
        offset = spill.write(b"".join(parts))
        self._spilled = (spill, offset, len(parts[0]), len(parts[1]), len(parts[2]))
        self._joined = None
        if self.cache is not None:
            self.cache.forget(self)
        return before - self.nbytes

    @property
    def nbytes(self) -> int:
        if self._ends is not None:  # sealed: the line ends stay in memory, spilled or not
            ends = len(self._ends) * self._ends.itemsize
            if self._joined is not None:
                return len(self.levels) + ends + sum(len(p or "") for p in self._joined)
            return len(self.levels) + ends
        if self._texts is not None:
            return len(self.levels) + sum(map(len, self._texts)) + 60 * len(self._texts)
        return len(self.levels)

    @property
    def in_memory(self) -> bool:
        return self._spilled is None

    @property
    def ascii(self) -> bool:
        """Sealed, and every line is ASCII."""
        return self._ascii

    def spilled_text(self) -> bytes | None:
        """The display texts joined by line feeds, as UTF-8 read back from the spill file."""
        if self._spilled is None:
            return None
        spill, offset, length = self._spilled[0], self._spilled[1], self._spilled[2]
        return spill.read(offset, length)

    def line_ends(self) -> array[int] | None:
        """When sealed: for each line the offset just past its line feed (``len + 1`` for
        the last), in the joined text and, when that is ASCII, in its spilled bytes."""
        return self._ends

    def joined_text(self) -> str | None:
        """The display texts joined by line feeds, when sealed and in memory."""
        return self._joined[0] if self._joined is not None else None

    # -- reading
    def load(self) -> tuple[Any, ...]:
        if self._texts is not None:
            return self._texts, self._raws, self._times
        joined = self._joined
        if joined is None:
            assert self._spilled is not None
            spill, offset, a, b, c = self._spilled
            data = spill.read(offset, a + b + c)
            joined = tuple(
                data[lo:hi].decode("utf-8", "surrogatepass") or None
                for lo, hi in ((0, a), (a, a + b), (a + b, a + b + c))
            )  # type: ignore[assignment]
            assert joined is not None
        text, raws, times = joined
        n = len(self.levels)
        return (
            Lines(text or "", n),
            Lines(raws, n) if raws is not None else None,
            Lines(times, n) if times is not None else None,
        )

    def _cols(self) -> tuple[Any, ...]:
        if self._texts is not None:  # open: the live lists, never cached
            return self._texts, self._raws, self._times
        return super()._cols()

    def source_column(self) -> bytes | bytearray | None:
        return self._sources

    def source_of(self, i: int) -> int:
        return self._sources[i] if self._sources is not None else self.source

    def record(self, i: int) -> Record:
        texts, raws, times = self._cols()
        return Record(
            texts[i],
            self.levels[i],
            (times[i] or None) if times is not None else None,
            (raws[i] or None) if raws is not None else None,
            self.source_of(i),
        )

    def release(self) -> None:
        super().release()
        if self._spilled is not None:
            self._spilled[0].release()
            self._spilled = None


class FileChunk(Chunk):
    """Raw lines read in bulk, kept where they are; parsed only when looked at.

    Args:
        levels: The level column (from `logtail_tui.core.bulk.LevelIndexer`).
        parser: Parses a line for display (one per source, never the streaming one).
        blob: The lines joined by ``\\n`` (no final one), when held in memory; or
        span: ``(data, start, stop)``: they are ``data[start:stop]``, held without copying
            them out of the read that brought them (plain mode writes them straight from
            it; `blob` copies them out when first asked for); or
        backing, offset, length: where they are in a file.
        marks: `line_marks` of those bytes, when the caller had them in hand (else they are
            made on first use, from one read of the whole range).
        max_line_length: Longer lines are shown cut, with a marker; export keeps them whole.
    """

    def __init__(
        self,
        levels: bytearray,
        parser: LineParser,
        *,
        blob: bytes | None = None,
        span: tuple[bytes, int, int] | None = None,
        backing: FileBacking | None = None,
        offset: int = 0,
        length: int = 0,
        marks: Marks | None = None,
        max_line_length: int = 0,
    ) -> None:
        self.levels = levels
        self.parser = parser
        self._blob = blob
        self._span = span
        self.backing = backing
        self.offset = offset
        if span is not None:
            length = span[2] - span[1]
        self.length = len(blob) if blob is not None else length
        self.marks = marks
        self.max_line_length = max_line_length
        self.orphans = 0
        """Leading continuation lines still waiting for the level of the chunk before."""
        self.plain_text = False
        """Every line is clean ASCII text (no JSON/logfmt, nothing to sanitise): the bytes
        print exactly as the lines would be shown, so plain mode can write them as they are."""
        self.ascii: bool | None = None
        """The bytes are ASCII without CR, so searches sweep them as they are; ``None``: not
        known yet (found out, and kept, by the first search: checking each block while
        indexing made a big file's indexing take more steps, and searchable later)."""

    @property
    def blob(self) -> bytes | None:
        """The lines joined by ``\\n``, when held in memory (``None``: in a file)."""
        if self._span is not None:
            data, start, stop = self._span
            self._blob, self._span = data[start:stop], None
        return self._blob

    @blob.setter
    def blob(self, blob: bytes | None) -> None:
        self._blob, self._span = blob, None

    def held(self) -> tuple[bytes, int, int] | None:
        """``(data, start, stop)`` with the lines in ``data[start:stop]`` when held in
        memory, without copying them; ``None`` when they are in a file."""
        if self._span is not None:
            return self._span
        return None if self._blob is None else (self._blob, 0, len(self._blob))

    @property
    def nbytes(self) -> int:
        marks = 16 * len(self.marks[0]) if self.marks is not None else 0
        held = self.held()
        return len(self.levels) + marks + (held[2] - held[1] if held is not None else 0)

    def raw_bytes(self) -> bytes:
        """The lines joined by ``\\n`` (shorter if the file was truncated meanwhile)."""
        if self.blob is not None:
            return self.blob
        assert self.backing is not None
        return self.backing.read(self.offset, self.length)

    def load(self) -> tuple[Any, ...]:
        if self.blob is not None:
            return (Lines(self.blob, len(self.levels)),)
        assert self.backing is not None
        if self.marks is None:
            data = self.raw_bytes()
            if len(data) < self.length:  # truncated already: one window, read short
                self.marks = array("q", [0, len(self.levels)]), array("q", [0, self.length + 1])
            else:
                self.marks = line_marks(data, 0, len(data))
        # A window of lines around those asked for, never the whole block: the screen
        # costs a few KiB, not 4 MiB a chunk (docs/architecture.md, "Reading a window of a
        # file chunk").
        return (FileLines(self.backing, self.offset, len(self.levels), self.marks),)

    def record(self, i: int) -> Record:
        line = self._cols()[0][i]
        size = self.max_line_length
        if size and len(line) > size:
            # Drawing costs the part shown only (never the whole line); export keeps it all.
            shown = sanitize(line[:size]) + f" {CONTINUED}[{len(line) - size:,} more characters]"
            return Record(shown, self.levels[i], None, None, self.source)
        batch = self.parser.parse([line])
        return Record(
            batch.texts[0],
            self.levels[i],
            batch.times[0] if batch.times is not None else None,
            batch.raws[0] if batch.raws is not None else None,
            self.source,
        )

    def export(self, i: int) -> str:
        return sanitize(self._cols()[0][i])
