"""Whole-record filtering for output that cannot take lines back: plain mode.

A record's end is known only when the next record starts, so the gate keeps the newest record
pending until then; its owner releases it after a short idle or at the end of the stream.
Once released, more continuation lines of a kept record are let through as they come, and a
record with an include match and no exclude pattern to fear is let through at once, so
following stays immediate for what is printed (docs/architecture.md, "Records").

Units are batches or chunks; the gate never looks inside them beyond the per-line flags it
is given and hands back ``(unit, rows)`` pairs to print, in order.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from itertools import compress, repeat
from typing import Any

from logtail_tui.core.chunks import Chunk, FileChunk
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.matching import lines_matching
from logtail_tui.core.record import Batch
from logtail_tui.core.record_where import follow_heads, where_lines
from logtail_tui.core.records import spread
from logtail_tui.core.scan import _mask, lines_in

Rows = list[tuple[Any, Sequence[int]]]
"""What to print: rows of units, in order."""


def line_flags(
    line_filter: LineFilter, unit: Batch | Chunk
) -> tuple[bytes | None, bytearray | None, bytearray | None]:
    """Per-line flags of a unit: passes levels and sources (``None``: all), matches an
    include pattern (``None``: there is none), matches an exclude pattern (likewise)."""
    n = len(unit)
    if isinstance(unit, Batch):
        table = line_filter.level_table()
        mask = bytes(unit.levels).translate(table) if table is not None else None
    else:
        mask = _mask(line_filter, unit, 0, n)
    flags: list[bytearray | None] = []
    shown: list[str] | None = None
    if isinstance(unit, FileChunk) and not unit.plain_text and (
        line_filter.include or line_filter.exclude
    ):
        # JSON and logfmt lines: patterns read the message as printed, not the raw line.
        shown = [unit.record(k).text for k in range(n)]
    for patterns in (line_filter.include, line_filter.exclude):
        if not patterns:
            flags.append(None)
            continue
        marked = bytearray(n)
        for pattern in patterns:
            if isinstance(unit, Batch) or shown is not None:
                hits: Sequence[int] = lines_matching(
                    pattern, unit.texts if shown is None else shown
                )
            else:
                hits = lines_in(pattern, unit, 0, n)
            deque(map(marked.__setitem__, hits, repeat(1)), maxlen=0)
        flags.append(marked)
    return mask, flags[0], flags[1]


class RecordGate:
    """Decides whole records for one output, holding back the newest until it is complete.

    Args:
        line_filter: The filter; only its include and exclude patterns need the gate.
    """

    def __init__(self, line_filter: LineFilter) -> None:
        self.filter = line_filter
        self._pending: list[tuple[Any, int, int, bytes | None]] = []
        self._source = -1
        self._hit = False
        self._bad = False
        self._open: tuple[int, bool] | None = None
        self._where_carry: dict[int, bool] = {}
        """Per source: whether the record its last unit ended in passes the where filter."""
        """(source, kept) of a record released before it was seen to end."""

    @property
    def pending(self) -> bool:
        """Whether a record is held back."""
        return bool(self._pending)

    def feed(self, source: int, unit: Batch | Chunk, starts: bytes | bytearray | None) -> Rows:
        """Take a unit's lines; returns what can be printed now."""
        n = len(unit)
        if not n:
            return []
        mask, hits, bad = line_flags(self.filter, unit)
        if self.filter.where is not None:
            # Fields decide whole records too: continuation lines follow their head.
            whered = where_lines(self.filter.where, unit)
            carry = self._where_carry.get(source, False)
            self._where_carry[source] = follow_heads(whered, starts, carry)
            mask = bytes(whered) if mask is None else bytes(map(int.__and__, mask, whered))
        out: Rows = []
        if self._pending and self._source != source:
            out += self.release()
        if self._open is not None and self._open[0] != source:
            self._open = None
        head = 0
        if starts is not None and starts[0] == 0:  # goes on with the record before
            head = starts.find(1)
            head = n if head < 0 else head
            if self._open is not None and self._open[1] and not self._pending:
                out.append((unit, _rows(mask, 0, head)))  # more of a record printed already
            else:
                self._hold(source, unit, 0, head, mask, hits, bad)
        if head < n:
            out += self.release()
            self._open = None
            last = starts.rfind(1, head) if starts is not None else n - 1
            if last > head:
                out.append((unit, self._decide(head, last, mask, hits, bad, starts)))
            self._hold(source, unit, last, n, mask, hits, bad)
        if self._pending and (self._hit or not self.filter.include) and not self.filter.exclude:
            # Decided already (an include match, or fields read off the record's first line)
            # with nothing to exclude: print it now.
            out += self.release()
        return out

    def release(self) -> Rows:
        """Decide the held record with what it has so far (the idle timer, the end)."""
        if not self._pending:
            return []
        kept = (self._hit or not self.filter.include) and not self._bad
        out: Rows = []
        if kept:
            out = [(unit, _rows(mask, lo, hi)) for unit, lo, hi, mask in self._pending]
        self._open = (self._source, kept)
        self._pending = []
        self._hit = self._bad = False
        return out

    def _hold(
        self,
        source: int,
        unit: Any,
        lo: int,
        hi: int,
        mask: bytes | None,
        hits: bytearray | None,
        bad: bytearray | None,
    ) -> None:
        if lo >= hi:
            return
        self._source = source
        self._pending.append((unit, lo, hi, mask))
        self._hit = self._hit or (hits is not None and 1 in hits[lo:hi])
        self._bad = self._bad or (bad is not None and 1 in bad[lo:hi])

    def _decide(
        self,
        lo: int,
        hi: int,
        mask: bytes | None,
        hits: bytearray | None,
        bad: bytearray | None,
        starts: bytes | bytearray | None,
    ) -> Sequence[int]:
        """Rows ``lo .. hi-1`` of whole records, kept or dropped whole."""
        size = hi - lo
        bits = int.from_bytes(mask[lo:hi] if mask is not None else b"\x01" * size, "little")
        for flags, keep in ((hits, True), (bad, False)):
            if flags is None:
                continue
            part = flags[lo:hi]
            if starts is not None:
                spread(part, starts[lo:hi])
            value = int.from_bytes(part, "little")
            bits &= value if keep else ~value
        return list(compress(range(lo, hi), bits.to_bytes(size, "little")))


def _rows(mask: bytes | None, lo: int, hi: int) -> Sequence[int]:
    if mask is None:
        return range(lo, hi)
    return list(compress(range(lo, hi), mask[lo:hi]))
