"""Reading a file in bulk: blocks of whole lines become chunks without a per-line object.

Used by the file adapter for history (``-n all`` or many lines) and for big appends (a burst
of hundreds of thousands of lines). See docs/architecture.md, "Scrollback".

* For the TUI, history is read *backwards*: the last screen first, so it shows at once, then
  block after block towards the start of the file, each handed over as a history chunk that
  the store puts before its oldest line. The lines stay in the file; a chunk keeps their
  place (a ``dup`` of the descriptor, so rotation does not take them away) and a level byte
  a line.
* For plain mode, blocks are read forwards and carry their bytes, to be printed in order.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from logtail_tui.core.bulk import LevelIndexer
from logtail_tui.core.chunks import FileBacking, FileChunk
from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.file_backing import Marks, line_marks
from logtail_tui.core.native import is_clean
from logtail_tui.core.parse import LineParser
from logtail_tui.core.records import Grouper
from logtail_tui.core.settings import Settings

BLOCK = 4 << 20
"""Bytes read per block: ~10-20 ms of indexing, so the loop gets a turn often."""
MAX_LINE_BYTES = 64 << 20
"""A line longer than this is cut into pieces when read backwards (memory stays bounded)."""
BULK_LINES = 5000
"""History of more lines than this (or ``-n all``) is read in bulk."""
TAIL_LINES = 2000
"""Lines shown first when history is read backwards (a screen and then some)."""


def tail_offset(fd: int, size: int, lines: int | None) -> tuple[int, int]:
    """Where the last ``lines`` lines of the first ``size`` bytes start, reading backwards.

    Returns:
        ``(offset, bytes_read)``; ``lines=None`` means the whole file (offset 0).
    """
    if lines is None:
        return 0, 0
    if lines <= 0:
        return size, 0
    pos, seen, read = size, 0, 0
    first = True
    while pos > 0:
        step = min(TAIL_BLOCK, pos)
        pos -= step
        block = os.pread(fd, step, pos)
        read += len(block)
        end = len(block)
        if first and block.endswith(b"\n"):
            end -= 1  # the final newline ends the last line; it does not start another
        first = False
        count = block.count(b"\n", 0, end)
        if seen + count < lines:
            seen += count
            continue
        i = end
        while True:
            i = block.rfind(b"\n", 0, i)
            seen += 1
            if seen == lines:
                return pos + i + 1, read
    return 0, read


TAIL_BLOCK = 64 << 10
"""Block size when reading backwards for the last lines."""


@dataclass
class Backlog:
    """History still to index backwards: ``[lo, hi)`` of ``handle``'s file."""

    backing: FileBacking
    """The generation being indexed (its own descriptor: rotation does not close it)."""
    lo: int
    hi: int
    wanted: int | None
    """Lines still wanted (``-n N``); ``None`` for all."""
    total: int
    """Bytes of history in all, for the progress shown."""


@dataclass(eq=False)
class Handle:
    """One open generation of the file (one inode)."""

    fd: int
    dev: int
    ino: int
    decoder: LineDecoder
    pos: int = 0
    closed: bool = field(default=False)
    backing: FileBacking | None = None
    """What chunks of this generation read their lines back from (made on first use)."""

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.fd)

    def backing_for_chunks(self) -> FileBacking:
        if self.backing is None:
            self.backing = FileBacking(self.fd)
        return self.backing


@dataclass
class Block:
    """Whole lines of the file: ``data[first:end - 1]``, starting at file offset ``start``.

    ``data`` is the read as it came (the byte before ``first`` is the line feed before the
    first line, ``data[end - 1]`` the one ending the last; a cut line may follow it), so no
    copy is made to index it.
    """

    start: int
    data: bytes
    first: int
    end: int
    """Where the whole lines' bytes stop."""
    counted: int | None = None
    """How many lines, once known: the level indexer finds them as it goes, and counting
    them beforehand would cost a sixth of indexing."""

    @property
    def lines(self) -> int:
        if self.counted is None:
            self.counted = self.data.count(b"\n", self.first, self.end)
        return self.counted

    @property
    def length(self) -> int:
        """Bytes of the lines, without the final line feed."""
        return self.end - self.first - 1

    @property
    def blob(self) -> bytes:
        """The lines as one ``bytes`` (a copy)."""
        return self.data[self.first : self.end - 1]


def block_before(fd: int, lo: int, hi: int, size: int = BLOCK) -> Block | None:
    """The whole lines just before offset ``hi`` (a line start), no further back than ``lo``.

    Returns ``None`` when there is nothing between ``lo`` and ``hi``.
    """
    while hi > lo:
        start = max(lo, hi - size)
        data = os.pread(fd, hi - start, start)
        if len(data) < hi - start:
            return None  # truncated under us
        first = 0
        if start > lo:
            nl = data.find(b"\n")
            if (nl < 0 or nl == len(data) - 1) and size < MAX_LINE_BYTES:
                size *= 2  # no whole line in the block: look further back
                continue
            if 0 <= nl < len(data) - 1:
                first = nl + 1
            # else: a line longer than MAX_LINE_BYTES is cut here, as the decoder cuts it
        if not data.endswith(b"\n"):
            data += b"\n"  # the very end of what is wanted, without its line feed yet
        return Block(start + first, data, first, len(data))
    return None


def block_between(fd: int, lo: int, hi: int) -> Block | None:
    """The whole lines ``[lo, hi)`` (both line starts), or ``None`` if the file no longer
    holds them (truncated meanwhile)."""
    block = block_before(fd, lo, hi, size=hi - lo)
    return block if block is not None and block.start == lo else None


def index_block(
    indexer: LevelIndexer, block: Block, grouper: Grouper
) -> tuple[bytearray, bytearray | None, int]:
    """`LevelIndexer.index` over ``block``'s lines, read in place."""
    return indexer.index(block.data, block.counted, grouper, block.first, block.end - 1)


def block_after(fd: int, pos: int, end: int, size: int = BLOCK) -> Block | None:
    """The whole lines from offset ``pos`` (a line start) up to at most ``end``.

    Returns ``None`` when no line ends before ``end`` within reach (a line still being
    written, or longer than the block): the caller reads it the ordinary way.
    """
    if pos >= end:
        return None
    data = os.pread(fd, min(size, end - pos), pos)
    cut = data.rfind(b"\n")
    if cut < 0:
        return None
    # The cut line stays in the buffer, ignored: slicing it off would copy the whole block.
    return Block(pos, data, 0, cut + 1)


def keep_last(block: Block, lines: int) -> Block:
    """The last ``lines`` lines of ``block``."""
    if block.lines <= lines:
        return block
    cut = block.end - 1
    for _ in range(lines):
        cut = block.data.rfind(b"\n", block.first, cut)
    return Block(block.start + cut + 1 - block.first, block.data, cut + 1, block.end, lines)


class ChunkMaker:
    """Turns blocks of one file into chunks: levels in bulk, a parser kept for display.

    Args:
        settings: The source's settings (format, field map, line length).
        in_memory: Keep each block's bytes in its chunk (plain mode) instead of reading the
            lines back from the file when they are looked at.
    """

    def __init__(self, settings: Settings, in_memory: bool = False) -> None:
        self.settings = settings
        self.in_memory = in_memory
        self.indexer = LevelIndexer(settings.format, dict(settings.field_map))
        self.display = LineParser(settings.format, settings.field_map)
        self.grouper = Grouper()
        """Record state after the newest forward chunk (a stack trace split between two
        blocks stays one record)."""

    @property
    def last_level(self) -> int:
        """Level of the newest line made into a forward chunk (continuation lines inherit)."""
        return self.grouper.level

    def chunk(self, block: Block, backing: FileBacking | None, history: bool = False) -> FileChunk:
        exact_before = self.indexer.exact_blocks
        grouper = Grouper() if history else self.grouper
        levels, starts, orphans = index_block(self.indexer, block, grouper)
        plain_text = self.indexer.exact_blocks == exact_before or self.settings.format == "text"
        block.counted = len(levels)
        if self.in_memory or backing is None:
            clean = is_clean(block.data, block.first, block.end - 1)
            chunk = FileChunk(
                levels,
                self.display,
                span=(block.data, block.first, block.end - 1),
                max_line_length=self.settings.max_line_length,
            )
            chunk.plain_text = plain_text and clean
            chunk.ascii = True if clean else None
        else:
            # A forward chunk (an append, a burst) is what the screen shows next: mark it
            # while the block is in hand, off the loop. History is marked when first looked
            # at (most of it never is).
            marks = None if history else line_marks(block.data, block.first, block.end - 1)
            chunk = self.on_disk(block.start, block.length, levels, backing, marks)
        chunk.orphans = orphans
        chunk.starts = starts
        chunk.history = history
        return chunk

    def on_disk(
        self,
        start: int,
        length: int,
        levels: bytearray,
        backing: FileBacking,
        marks: Marks | None = None,
    ) -> FileChunk:
        """A chunk of the lines at ``start`` (``length`` bytes) left in the file."""
        return FileChunk(
            levels,
            self.display,
            backing=backing,
            offset=start,
            length=length,
            marks=marks,
            max_line_length=self.settings.max_line_length,
        )
