"""The filtered view of the store: which absolute line numbers the pane shows, in order.

The view keeps an ``array('q')`` of the absolute numbers of the lines its filter lets
through (8 bytes a shown line, one object for the GC), or nothing at all when the filter is
inactive: then visible index ``i`` is simply line ``first + i``. It never copies text.

Usage from the UI::

    view = View(store, LineFilter.build(level=Level.WARNING))
    store.extend(batch); view.sync()              # after each coalesced flush, O(new lines)
    for i in range(top, top + height): render(view[i])
    for _ in view.refilter(new_filter):           # in a worker: yield the loop between chunks
        await asyncio.sleep(0)
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator

from logtail_tui.core.filters import LineFilter
from logtail_tui.core.record import effective
from logtail_tui.core.record_spans import record_end, record_start, select_records
from logtail_tui.core.store import LogStore


class View:
    """The filtered list of absolute line numbers the pane shows.

    Args:
        store: The scrollback to show.
        line_filter: What to show; ``None`` shows everything.
    """

    def __init__(self, store: LogStore, line_filter: LineFilter | None = None) -> None:
        self.store = store
        """The scrollback this view reads."""
        self.filter = line_filter if line_filter is not None else LineFilter()
        """The filter the current result was computed with."""
        self.generation = 0
        """Bumped whenever the filter is swapped, so dependants (search) know to rebuild."""
        self._index: array[int] | None = None
        """Shown absolute numbers, ascending; ``None`` means every kept line (identity)."""
        self._first = store.first
        """``store.first`` at the last sync."""
        self._end = store.first
        """Absolute number one past the last line the view has looked at."""
        self.redone_from: int | None = None
        """Where the last sync decided the newest record again (lines from there on may
        have been shown before and hidden now, or the other way round)."""
        if self.filter.active:
            self._index = array("q")
        self.sync()

    # -- reading
    def __len__(self) -> int:
        if self._index is None:
            return self._end - self._first
        return len(self._index)

    def __getitem__(self, i: int) -> int:
        """Absolute number of the ``i``-th visible line (0 = oldest kept; negative counts back)."""
        if self._index is not None:
            return self._index[i]
        n = self._end - self._first
        if i < 0:
            i += n
        if not 0 <= i < n:
            raise IndexError("view index out of range")
        return self._first + i

    def __iter__(self) -> Iterator[int]:
        if self._index is None:
            return iter(range(self._first, self._end))
        return iter(self._index)

    def numbers(self, start: int, stop: int) -> array[int] | range:
        """Absolute numbers of visible lines ``start``..``stop`` (a slice, clamped)."""
        if self._index is None:
            n = len(self)
            start, stop = max(0, min(start, n)), max(0, min(stop, n))
            return range(self._first + start, self._first + max(start, stop))
        return self._index[max(0, start) : max(0, stop)]

    def index_of(self, n: int) -> int:
        """Visible index of the first visible line numbered ``n`` or more (``len`` if none)."""
        if self._index is None:
            return max(0, min(n - self._first, self._end - self._first))
        return bisect_left(self._index, n)

    def __contains__(self, n: object) -> bool:
        """Whether absolute line ``n`` is visible."""
        if not isinstance(n, int):
            return False
        i = self.index_of(n)
        return i < len(self) and self[i] == n

    @property
    def indexed(self) -> bool:
        """Whether the view holds an index; ``False`` is the identity fast path (no filter)."""
        return self._index is not None

    @property
    def first(self) -> int:
        """``store.first`` as of the last sync."""
        return self._first

    @property
    def end(self) -> int:
        """One past the newest line the view has taken into account."""
        return self._end

    @property
    def hidden(self) -> int:
        """Lines kept in the store (as of the last sync) that the filter hides."""
        return (self._end - self._first) - len(self)

    # -- keeping up
    def sync(self) -> None:
        """Catch up with the store after appends, evictions, prepended history or a clear.

        Only lines new since the last call are filtered (at either end); evicted ones are
        dropped from the front. Cost is O(new lines) plus a memmove of the index.
        """
        store = self.store
        first, end = store.first, store.end
        index = self._index
        self.redone_from = None
        if index is not None:
            if index and index[0] < first:
                del index[: bisect_left(index, first)]
            by_record = bool(self.filter.include or self.filter.exclude)
            if first < self._first:  # history was prepended
                # Its last record may go on into lines already filtered as orphans.
                hi = min(self._first, end)
                if by_record and first < hi < self._end:
                    hi = min(record_end(store, hi - 1), self._end)
                del index[: bisect_left(index, hi)]
                index[0:0] = select_records(self.filter, store, first, hi)
            start = max(self._end, first)
            if start < end:
                if by_record and start > first:
                    # The newest record may have grown: decide it again, whole.
                    start = record_start(store, start)
                    del index[bisect_left(index, start) :]
                    self.redone_from = start
                index.extend(select_records(self.filter, store, start, end))
        self._first = first
        self._end = max(end, self._first)

    def refilter(self, new: LineFilter, chunk: int = 65536) -> Iterator[float]:
        """Re-filter the whole store in chunks, yielding progress (0..1) between chunks.

        The caller (a Textual worker or task) gives the UI a turn at each yield. The view keeps
        showing the old result until the generator is exhausted, then swaps in one step
        (``generation`` goes up). Lines appended or evicted meanwhile are accounted for. If
        the generator is closed early, the old filter and result stay.

        Args:
            new: The filter to apply.
            chunk: Lines filtered between two yields (~15-30 ms of work at 65536).
        """
        store = self.store
        result: array[int] | None = None
        lo, hi = store.first, store.end
        if new.active:
            result = array("q")
            total = max(1, hi - lo)
            pos = lo
            while pos < hi:
                # Lines may have been evicted (or cleared) while we were suspended.
                pos = max(pos, store.first)
                if pos >= hi:
                    break
                stop = min(pos + chunk, hi)
                result.extend(select_records(new, store, pos, stop))
                pos = stop
                if pos < hi:
                    yield (pos - lo) / total
        # The swap: no yield from here on, so the UI never sees a half-built view.
        self.filter = new
        self._index = result
        self._first = lo  # sync adds history prepended meanwhile, drops lines evicted
        self._end = hi
        self.generation += 1
        self.sync()

    def set_filter(self, new: LineFilter) -> None:
        """Apply ``new`` at once (blocking); prefer `refilter` for a big store."""
        for _ in self.refilter(new):
            pass

    # -- moving around
    def find_level(self, start: int, level: int, backwards: bool = False) -> int | None:
        """Visible index of the nearest visible record start at ``level`` or above (``e``/``E``).

        Args:
            start: Visible index to start from; that line itself is not considered.
            level: Minimum level sought (lines without a level count as info).
            backwards: Search towards older lines.

        Returns:
            The visible index, or ``None`` when there is no such line in that direction.
        """
        table = bytes(1 if effective(v) >= level else 0 for v in range(256))
        lo, hi = self._first, min(self._end, self.store.end)
        if backwards:
            stop = self[start] if 0 <= start < len(self) else hi
            pieces = reversed(list(self.store.pieces(lo, stop)))
        else:
            begin = self[start] + 1 if 0 <= start < len(self) else lo
            pieces = self.store.pieces(begin, hi)
        for chunk, i, j in pieces:
            mask = bytes(chunk.levels[i:j]).translate(table)
            if chunk.starts is not None:  # stop on a record's first line only
                heads = bytearray(chunk.starts[i:j])
                if chunk.start + i == self.store.first:
                    heads[0] = 1  # what is left of a record whose start was evicted
                both = int.from_bytes(mask, "little") & int.from_bytes(heads, "little")
                mask = both.to_bytes(j - i, "little")
            k = mask.rfind(1) if backwards else mask.find(1)
            while k >= 0:
                n = chunk.start + i + k
                if n in self:
                    return self.index_of(n)
                k = mask.rfind(1, 0, k) if backwards else mask.find(1, k + 1)
        return None
