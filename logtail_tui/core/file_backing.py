"""Where file chunks read their lines back from, a window at a time
(docs/architecture.md, "Scrollback": "Reading a window of a file chunk")."""

from __future__ import annotations

import os
from array import array
from bisect import bisect_right

from logtail_tui.core.lines import Lines

WINDOW = 64 << 10
"""Bytes between two marks of a file chunk: what drawing a screen of it reads and keeps
(a window grows to hold whole lines, so one longer line makes a longer window)."""
WINDOWS_KEPT = 2
"""Windows a chunk keeps read: a screen crossing a mark needs both sides."""
GONE = "(no longer in the file: it was truncated)"


class FileBacking:
    """An open file that chunks read their lines back from; closed when they are all gone."""

    def __init__(self, fd: int) -> None:
        self.fd = os.dup(fd)
        self.hidden: tuple[bytes, ...] = ()
        """Secrets masked in whatever is read back (`masked`); every read is of whole lines,
        so none is cut in two."""

    def read(self, offset: int, length: int) -> bytes:
        try:
            data = os.pread(self.fd, length, offset)
        except OSError:
            return b""
        return masked(data, self.hidden) if self.hidden else data

    def __del__(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass


def masked(data: bytes, hidden: tuple[bytes, ...]) -> bytes:
    """``data`` with each secret in ``hidden`` starred out byte for byte, the longest first
    (one may hold another): the offsets of its lines stay true (a parsed batch's secrets
    become ``***`` instead)."""
    for secret in sorted(hidden, key=len, reverse=True):
        if secret and secret in data:
            data = data.replace(secret, b"*" * len(secret))
    return data


Marks = tuple["array[int]", "array[int]"]
"""Line numbers and byte offsets (from the chunk's first byte) of a few line starts, the
first ``(0, 0)``, the last ``(n, length + 1)``: where the line after the chunk would start."""


def line_marks(data: bytes, lo: int, hi: int, step: int = WINDOW) -> Marks:
    """Marks for the lines ``data[lo:hi]`` (joined by line feeds): a line start about every
    ``step`` bytes. Costs one ``count`` of the line feeds (C, no object a line)."""
    numbers, offsets = array("q", [0]), array("q", [0])
    find, count = data.find, data.count
    n, prev = 0, lo
    while prev + step < hi:
        feed = find(b"\n", prev + step - 1, hi)
        if feed < 0:
            break
        n += count(b"\n", prev, feed + 1)
        prev = feed + 1
        numbers.append(n)
        offsets.append(prev - lo)
    numbers.append(n + count(b"\n", prev, hi) + 1)
    offsets.append(hi - lo + 1)
    return numbers, offsets


class FileLines:
    """Lines ``0 .. n-1`` of a chunk's byte range in a file, read a window at a time.

    Indexing reads the window between the marks around the line (and keeps the last
    `WINDOWS_KEPT`); slicing reads just the bytes of the range asked for. Lines that a
    truncation took away read as `GONE`, rather than shifting the lines after them.
    """

    def __init__(self, backing: FileBacking, offset: int, n: int, marks: Marks) -> None:
        self.backing, self.offset, self.n = backing, offset, n
        self.numbers, self.offsets = marks
        self._windows: dict[int, Lines] = {}

    def __len__(self) -> int:
        return self.n

    @property
    def nbytes(self) -> int:
        """Bytes of the windows held."""
        return sum(len(w.buffer) for w in self._windows.values())

    def _read(self, k: int, m: int) -> Lines:
        """Lines ``numbers[k] .. numbers[m]-1`` (whole ones only if the file shrank)."""
        begin, end = self.offsets[k], self.offsets[m] - 1
        data = self.backing.read(self.offset + begin, end - begin)
        count = self.numbers[m] - self.numbers[k]
        if len(data) < end - begin:  # truncated under us: the whole lines left, then GONE
            whole = data.count(b"\n")
            return Lines(data[: data.rfind(b"\n")] if whole else b"", whole)
        return Lines(data, count)

    def _window(self, i: int) -> tuple[Lines, int]:
        k = bisect_right(self.numbers, i) - 1
        window = self._windows.pop(k, None)
        if window is None:
            window = self._read(k, k + 1)
            while len(self._windows) >= WINDOWS_KEPT:
                del self._windows[next(iter(self._windows))]
        self._windows[k] = window  # the newest last: evicted last
        return window, self.numbers[k]

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            lo, hi, _ = index.indices(self.n)
            return self.range(lo, hi)
        if index < 0:
            index += self.n
        if not 0 <= index < self.n:
            raise IndexError(index)
        window, first = self._window(index)
        return window[index - first] if index - first < window.n else GONE  # type: ignore[return-value]

    def range(self, lo: int, hi: int) -> list[str]:
        """Lines ``lo .. hi-1``, read in one go from the windows holding them."""
        if lo >= hi:
            return []
        k = bisect_right(self.numbers, lo) - 1
        m = bisect_right(self.numbers, hi - 1)
        lines = self._read(k, m)
        skip = lo - self.numbers[k]
        out = lines.range(skip, min(hi - self.numbers[k], lines.n))
        return out + [GONE] * (hi - lo - len(out))
