"""The time column: each kept line's time as epoch seconds, built in bulk, per chunk, lazily.

A chunk's `Chunk.times` is ``None`` until someone asks for a time in it (merge by time,
``--since``, the timeline, the detail view); then the chunk's lines up to that one are
parsed in one call of `parse_times` (~0.4 M lines/s) into an ``array('d')`` with NaN where a
line has no time, and kept. A column may be shorter than its chunk (parsed up to the line
asked for, or the open stream chunk grew since): it is extended by the missing lines only.
Structured records carry their time in a field: that text is parsed instead of the line
(docs/architecture.md, "The time column")."""

from __future__ import annotations

import math
from array import array
from typing import TYPE_CHECKING

from logtail_tui.core.chunks import Chunk, FileChunk, TextChunk
from logtail_tui.core.times import parse_time, parse_times

if TYPE_CHECKING:
    from logtail_tui.core.store import LogStore

NAN = math.nan


def chunk_times(chunk: Chunk, upto: int | None = None, now: float | None = None) -> array[float]:
    """Epoch seconds of ``chunk``'s lines (NaN: none), at least up to line ``upto`` (all by
    default); computed once and kept, so a step of a worker parses only what it reads."""
    times = chunk.times
    if times is None:
        times = chunk.times = array("d")
    hi = chunk.n if upto is None else min(upto, chunk.n)
    if len(times) < hi:
        times.extend(_parse(chunk, len(times), hi, now))
    return times


def _parse(chunk: Chunk, lo: int, hi: int, now: float | None) -> array[float]:
    texts = chunk._cols()[0][lo:hi]
    if isinstance(chunk, TextChunk):
        fields = chunk._cols()[2]  # the time field of structured records, if any
        if fields is not None:
            # (a space after a field: an epoch number must be followed by one to be read)
            texts = [
                f"{field} " if field else text
                for field, text in zip(fields[lo:hi], texts, strict=True)
            ]
    found = parse_times(texts, now)
    if isinstance(chunk, FileChunk):
        # JSON or logfmt lines kept raw: their time is a field, read as the line is drawn.
        for k, epoch in enumerate(found):
            if epoch is None and texts[k][:1] == "{":
                field = chunk.record(lo + k).time
                found[k] = parse_time(field, now)[0] if field else None
    return array("d", [NAN if epoch is None else epoch for epoch in found])


def times_between(store: LogStore, lo: int, hi: int) -> array[float]:
    """The time column of the kept lines ``lo .. hi-1`` (NaN where a line has no time)."""
    out = array("d")
    for chunk, i, j in store.pieces(lo, hi):
        out.extend(chunk_times(chunk, j)[i:j])
    return out


def time_of(store: LogStore, n: int) -> float | None:
    """Epoch seconds of line ``n``, or ``None`` when it has no time."""
    chunk, i = store.locate(n)
    epoch = chunk_times(chunk, i + 1)[i]
    return None if math.isnan(epoch) else epoch
