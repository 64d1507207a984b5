"""A where filter decides whole records: the fields are the record's first line's.

A stack trace's lines carry no fields, so asking them one by one would cut every trace off
its header. Each line is asked (`where_lines`), then every continuation line takes the
answer of the line that heads its record (`follow_heads`); a unit that opens with the tail
of a record from before takes the answer carried over from there (docs/architecture.md,
"Records").
"""

from __future__ import annotations

from itertools import repeat
from typing import TYPE_CHECKING

from logtail_tui.core.chunks import Chunk
from logtail_tui.core.record import Batch

if TYPE_CHECKING:  # loaded with the first -w: it costs 30 ms of every start otherwise
    from logtail_tui.core.where_eval import Where


def where_lines(where: Where, unit: Batch | Chunk, i: int = 0, j: int | None = None) -> bytearray:
    """1 for each line ``i .. j-1`` of ``unit`` that ``where`` passes on its own."""
    j = len(unit) if j is None else j
    flags = bytearray(j - i)
    if isinstance(unit, Batch):
        texts, levels, raws, times = unit.texts, unit.levels, unit.raws, unit.times
        for k in range(i, j):
            raw = raws[k] if raws is not None else None
            time = times[k] if times is not None else None
            if where.matches(raw or texts[k], levels[k], time):
                flags[k - i] = 1
        return flags
    from logtail_tui.core.where_scan import where_in_chunk

    for k in where_in_chunk(where, unit, range(i, j)):
        flags[k - i] = 1
    return flags


def follow_heads(flags: bytearray, starts: bytes | bytearray | None, carry: bool = False) -> bool:
    """Give continuation lines their head's flag, in place; ``carry`` is the flag of the
    record the first lines continue (when ``starts[0]`` is 0). Returns the last record's."""
    n = len(flags)
    if not n:
        return carry
    if starts is not None:
        j = starts.find(0, 0, n)
        while j >= 0:
            end = starts.find(1, j, n)
            end = n if end < 0 else end
            value = carry if j == 0 else flags[j - 1]
            flags[j:end] = bytes(repeat(1 if value else 0, end - j))
            j = starts.find(0, end, n) if end < n else -1
    return bool(flags[-1])
