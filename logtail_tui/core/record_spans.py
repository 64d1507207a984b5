"""Records over the store: where a record begins and ends, and filters that keep whole records.

The start flags live per chunk (`Chunk.starts`, see `logtail_tui.core.records`); a record may
run across a chunk boundary, and its header may have been evicted (the oldest kept line then
heads what is left of it). Everything here works per record start or per hit, never per line
in Python (docs/architecture.md, "Records").
"""

from __future__ import annotations

from array import array
from collections import deque
from itertools import compress, repeat

from logtail_tui.core.filters import LineFilter
from logtail_tui.core.matching import lines_matching
from logtail_tui.core.record_where import follow_heads, where_lines
from logtail_tui.core.records import spread
from logtail_tui.core.scan import _mask, lines_in, select, texts_of
from logtail_tui.core.store import LogStore


def is_start(store: LogStore, n: int) -> bool:
    """Whether kept line ``n`` heads its record (the oldest kept line always does)."""
    chunk, i = store.locate(n)
    return n == store.first or chunk.starts is None or bool(chunk.starts[i])


def record_start(store: LogStore, n: int) -> int:
    """The first kept line of the record holding kept line ``n`` (``n`` itself when it is
    not kept)."""
    first = store.first
    if not first <= n < store.end:
        return n
    while n > first:
        chunk, i = store.locate(n)
        starts = chunk.starts
        if starts is None or starts[i]:
            return n
        k = starts.rfind(1, 0, i)
        if k >= 0:
            return max(first, chunk.start + k)
        n = chunk.start - 1  # the record began in an earlier chunk
    return first


def record_end(store: LogStore, n: int) -> int:
    """One past the last kept line of the record holding line ``n`` (``store.end`` for the
    newest record, which may still grow)."""
    m, end = n + 1, store.end
    if n < store.first:
        return m  # evicted: nothing left of its record to step over
    while m < end:
        chunk, i = store.locate(m)
        starts = chunk.starts
        if starts is None or starts[i]:
            return m
        k = starts.find(1, i)
        if k >= 0:
            return chunk.start + k
        m = chunk.start + chunk.n
    return end


def record_range(store: LogStore, n: int) -> range:
    """The kept lines of the record holding kept line ``n``."""
    return range(record_start(store, n), record_end(store, n))


def starts_between(store: LogStore, lo: int, hi: int) -> bytearray:
    """The start flags of kept lines ``lo .. hi-1`` in one column (the first always 1)."""
    parts = []
    for chunk, i, j in store.pieces(lo, hi):
        starts = chunk.starts
        parts.append(b"\x01" * (j - i) if starts is None else bytes(starts[i:j]))
    column = bytearray(b"".join(parts))
    if column:
        column[0] = 1
    return column


def select_records(line_filter: LineFilter, store: LogStore, lo: int, hi: int) -> array[int]:
    """Absolute numbers of the kept lines ``lo .. hi-1`` that ``line_filter`` passes, deciding
    whole records: an include match anywhere keeps a record, an exclude match drops it.

    Records running over ``lo`` or ``hi`` are read whole, so a range cut anywhere gives the
    same answer as the whole store would.
    """
    lo, hi = max(lo, store.first), min(hi, store.end)
    if lo >= hi:
        return array("q")
    where = line_filter.where
    if not line_filter.include and not line_filter.exclude and where is None:
        return select(line_filter, store, lo, hi)  # levels and sources agree within a record
    a, b = record_start(store, lo), record_end(store, hi - 1)
    starts = starts_between(store, a, b)
    if 0 not in starts:
        return select(line_filter, store, lo, hi)  # single-line records only: line by line
    size = b - a
    keep = bytearray(b"\x01") * size
    wanted = bytearray(size) if line_filter.include else None
    unwanted = bytearray(size) if line_filter.exclude else None
    whered = bytearray(size) if where is not None else None
    for chunk, i, j in store.pieces(a, b):
        base = chunk.start + i - a
        mask = _mask(line_filter, chunk, i, j)
        if mask is not None:
            keep[base : base + j - i] = mask
        if whered is not None and where is not None:
            whered[base : base + j - i] = where_lines(where, chunk, i, j)
        few: list[int] | None = None
        texts: list[str] = []
        if mask is not None and mask.count(1) * 4 < j - i:
            # Few lines pass the levels and sources, and a record's lines share its level:
            # only their text can decide a record that is shown at all.
            few = list(compress(range(i, j), mask))
            texts = texts_of(chunk, few)
        offset = chunk.start - a
        for flags, patterns in ((wanted, line_filter.include), (unwanted, line_filter.exclude)):
            if flags is None:
                continue
            for pattern in patterns:
                if few is None:
                    hits = lines_in(pattern, chunk, i, j)
                else:
                    hits = list(map(few.__getitem__, lines_matching(pattern, texts)))
                deque(map(flags.__setitem__, map(offset.__add__, hits), repeat(1)), maxlen=0)
    bits = int.from_bytes(keep, "little")
    if wanted is not None:
        spread(wanted, starts)
        bits &= int.from_bytes(wanted, "little")
    if unwanted is not None:
        spread(unwanted, starts)
        bits &= ~int.from_bytes(unwanted, "little")
    if whered is not None:
        follow_heads(whered, starts, bool(whered[0]))  # the fields are the first line's
        bits &= int.from_bytes(whered, "little")
    kept = bits.to_bytes(size, "little")[lo - a : hi - a]
    return array("q", compress(range(lo, hi), kept))
