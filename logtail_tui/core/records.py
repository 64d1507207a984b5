"""Multi-line records: which lines continue the record before (docs/architecture.md, "Records").

One rule for every path (stream batches, file blocks indexed in bulk, plain mode):

* a line **continues** the record before when it has no level of its own, looks like a
  continuation (`CONTINUATION`: indented or blank, Java ``at``/``Caused by:``/``... 12 more``,
  a Python traceback and its closing exception line, Go ``goroutine N [...]:`` and frame lines)
  and the line before carries a level, its own or inherited: a levelled line starts a record;
* every other line **starts** one;
* a record is bounded: past `MAX_RECORD_LINES` lines or `MAX_RECORD_CHARS` characters of
  continuation, the next continuation line starts a new record (a source printing only
  continuation lines still yields records of bounded size).

The same test gives continuation lines the level of their record, so levels and records never
disagree. Boundaries are kept as a ``bytearray`` column of flags (1 = a record starts here);
``None`` stands for "every line starts one", the common case, which costs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

MAX_RECORD_LINES = 1000
"""A record holds at most this many lines; the next continuation line starts a new one."""
MAX_RECORD_CHARS = 1 << 20
"""Characters of continuation lines a record holds at most (1 MiB of ASCII)."""

CONTINUATION = re.compile(
    r"""\s|$|at\ |Caused\ by|\.\.\.|Traceback|During\ handling|The\ above\ exception|↪\ |
        goroutine\ \d+\ \[|created\ by\ |\[signal\ |
        [\w.\-/*()\[\]]{1,300}\(.{0,2000}\)$|
        [\w.$]{1,200}(?:Error|Exception|Exit|Interrupt|Warning)\b|
        (?:[A-Za-z_]\w{0,100}\.){1,20}[A-Z]\w{0,100}:(?:\s|$)""",
    re.VERBOSE,
)
"""Lines that may continue the one before: indented or blank lines, Java ``at``/``Caused by``/
``... 12 more``, Python tracebacks and the exception line that ends them (``...Error``, or a
dotted class name and a colon: ``billing.gateway.GatewayTimeout: ...``), Go panics and
goroutine dumps (``goroutine 1 [running]:``, ``main.main()``, ``created by``), split pieces."""


class Grouper:
    """Finds record boundaries in consecutive batches of one source's lines.

    Keeps what the next batch needs: the level of the last line and the size of the record
    still open, so a stack trace split across batches stays one record.

    Args:
        level: Level of the line before the first batch (0: none, or not known yet).
    """

    def __init__(self, level: int = 0) -> None:
        self.level = level
        self.lines = 1 if level else 0
        """Lines of the record still open at the end of the last batch."""
        self.size = 0
        """Characters of its continuation lines."""

    def group(
        self,
        texts: Sequence[str] | Sequence[bytes] | Mapping[int, str],
        levels: list[int] | bytearray,
    ) -> bytearray | None:
        """Give continuation lines their record's level (in place) and find the boundaries.

        Only lines without a level are visited, so well-levelled logs pay almost nothing.

        Args:
            texts: The lines (``bytes`` lines are decoded only when visited); a mapping
                needs to hold only the lines with no level of their own.
            levels: Their own levels, 0 where a line names none; updated in place.

        Returns:
            The start flags (1 = a record starts at this line), or ``None`` when every line
            starts one.
        """
        n = len(levels)
        if not n:
            return None
        starts: bytearray | None = None
        previous = self.level
        lines, size, joined = self.lines, self.size, -1
        if previous or any(levels):
            cont = CONTINUATION.match
            i = -1
            try:
                while True:
                    i = levels.index(0, i + 1)
                    before = levels[i - 1] if i else previous
                    if not before:
                        continue
                    raw = texts[i]
                    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
                    if not cont(text):
                        continue
                    levels[i] = before
                    if i and joined != i - 1:
                        lines, size = 1, 0  # the record began at the line before
                    joined = i
                    if lines >= MAX_RECORD_LINES or size + len(text) > MAX_RECORD_CHARS:
                        lines, size = 1, 0  # bounded: this line starts the next record
                        continue
                    if starts is None:
                        starts = bytearray(b"\x01") * n
                    starts[i] = 0
                    lines += 1
                    size += len(text)
            except ValueError:
                pass  # no more level-less lines
        self.level = levels[-1]
        if joined != n - 1:
            self.lines, self.size = 1, 0
        else:
            self.lines, self.size = lines, size
        return starts


def inherit_levels(texts: list[str], levels: list[int], previous: int = 0) -> int:
    """Give continuation lines the level of the line before (see `Grouper.group`).

    Works in place on ``levels``; ``previous`` is the last level of the batch before.
    Returns the last level of this batch.
    """
    if not levels:
        return previous
    Grouper(previous).group(texts, levels)
    return levels[-1]


def spread(flags: bytearray, starts: bytes | bytearray) -> None:
    """Flag every line of each multi-line record that has a flagged line, in place.

    Works per multi-line record (runs of continuation flags), not per line. ``starts[0]`` is
    taken as a start whatever it says (the first line of a range heads its record there).
    """
    n = len(starts)
    j = starts.find(0, 1)
    while j >= 0:
        end = starts.find(1, j)
        if end < 0:
            end = n
        head = j - 1
        if 1 in flags[head:end]:
            flags[head:end] = b"\x01" * (end - head)
        j = starts.find(0, end) if end < n else -1


def runs(starts: bytes | bytearray | None, n: int) -> list[tuple[int, int]]:
    """``(lo, hi)`` of each record in lines ``0 .. n-1`` (line 0 always starts one)."""
    if starts is None:
        return [(k, k + 1) for k in range(n)]
    out: list[tuple[int, int]] = []
    lo = 0
    while lo < n:
        hi = starts.find(1, lo + 1)
        hi = n if hi < 0 else hi
        out.append((lo, hi))
        lo = hi
    return out
