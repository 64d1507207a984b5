"""Reading single lines out of one big buffer without splitting it.

A chunk keeps its lines as one buffer (the bytes of a file block, or a sealed chunk's joined
text). Drawing a screen needs a few dozen of them; splitting the whole buffer would make a
Python string for every line of it, and those millions of small objects leave the heap
fragmented long after they are freed. `Lines` instead notes the start of every 256th line
(one pass of ``finditer``, whose match objects are dropped in C as they come) and walks at
most 255 line feeds with ``find`` to reach any line.
"""

from __future__ import annotations

import re
from array import array
from itertools import islice

STRIDE = 256


_NEWLINE = re.compile("\n")
_NEWLINE_BYTES = re.compile(b"\n")


class Lines:
    """Lines ``0 .. n-1`` of ``buffer`` (joined by line feeds, no final one).

    Indexing gives one line (``str``; bytes are decoded as UTF-8 with replacement and a
    ``\\r`` before the line feed dropped); slicing gives a list, decoding only that range.
    """

    def __init__(self, buffer: str | bytes, n: int) -> None:
        self.buffer = buffer
        self.n = n
        self.binary = isinstance(buffer, bytes)
        anchors = array("q", [0])
        # Every STRIDE-th line feed; islice drops the others in C as they are found.
        feeds = (_NEWLINE_BYTES if self.binary else _NEWLINE).finditer(buffer)  # type: ignore[arg-type]
        anchors.extend(m.end() for m in islice(feeds, STRIDE - 1, None, STRIDE))
        self._anchors = anchors
        self._cursor = (0, 0)
        """The last line found and its offset: the next one is a single ``find`` away."""

    def __len__(self) -> int:
        return self.n

    def start(self, i: int) -> int:
        """Offset of line ``i`` in the buffer (its length when ``i`` is past the end)."""
        k = i // STRIDE
        if k >= len(self._anchors):
            return len(self.buffer) + 1
        base, offset = k * STRIDE, self._anchors[k]
        last, last_offset = self._cursor
        if base <= last <= i:  # reading on from the line before (drawing a screen)
            base, offset = last, last_offset
        find, nl = self.buffer.find, b"\n" if self.binary else "\n"
        for _ in range(i - base):
            offset = find(nl, offset) + 1  # type: ignore[arg-type]
            if not offset:
                return len(self.buffer) + 1
        self._cursor = (i, offset)
        return offset

    def __getitem__(self, index: int | slice) -> str | list[str]:  # type: ignore[override]
        if isinstance(index, slice):
            lo, hi, _ = index.indices(self.n)
            return self.range(lo, hi)
        if index < 0:
            index += self.n
        begin = self.start(index)
        end = self.buffer.find(b"\n" if self.binary else "\n", begin)  # type: ignore[arg-type]
        return self._text(self.buffer[begin : end if end >= 0 else len(self.buffer)])

    def range(self, lo: int, hi: int) -> list[str]:
        """Lines ``lo .. hi-1``."""
        if lo >= hi:
            return []
        begin = self.start(lo)
        end = self.start(hi) - 1 if hi < self.n else len(self.buffer)
        text = self._text(self.buffer[begin:end])
        return text.split("\n")

    def _text(self, piece: str | bytes) -> str:
        if isinstance(piece, str):
            return piece
        text = piece.decode("utf-8", "replace")
        return text.replace("\r\n", "\n").removesuffix("\r") if "\r" in text else text
