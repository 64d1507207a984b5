"""The scrollback: store, view and search index in one object, updated in one order.

The order matters and used to be kept by hand in three places: lines go into the store, then
the view catches up (filtering only what is new), then the search index catches up with the
view. `Scrollback` is the one place that does it, and the single source of truth for the
filter asked for, the search query and the counts the status bar shows. The UI renders from
``scrollback.view`` and ``scrollback.store`` and keeps no copies of their state.

Usage::

    scrollback = Scrollback(settings.max_lines, settings.memory_budget, line_filter)
    scrollback.append(source_index, batch_or_chunk)   # any number of times, then
    scrollback.sync()                                   # once per repaint
    for progress in scrollback.refilter(new_filter):    # in a worker, a chunk a step
        await asyncio.sleep(0)
    for progress in scrollback.search(query):           # likewise
        await asyncio.sleep(0)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from logtail_tui.core.chunks import Chunk
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.record import Batch, Level
from logtail_tui.core.search import SearchIndex, SearchQuery
from logtail_tui.core.settings import DEFAULT_MAX_LINES, DEFAULT_MEMORY_BUDGET
from logtail_tui.core.store import LogStore
from logtail_tui.core.view import View

STEP_LINES = 65_536
"""Lines filtered or searched between two turns of the UI (~15-30 ms of work)."""


@dataclass(frozen=True, slots=True)
class Totals:
    """What the status bar counts."""

    received: int
    shown: int
    hidden: int
    evicted: int
    cleared: int


class Scrollback:
    """Everything kept, what of it is shown, and what of that matches the search.

    Args:
        max_lines: Lines kept; older ones are evicted and counted.
        memory_budget: Bytes of stream text kept in memory before spilling to disk.
        line_filter: The filter to start with.
    """

    def __init__(
        self,
        max_lines: int = DEFAULT_MAX_LINES,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        line_filter: LineFilter | None = None,
    ) -> None:
        self.store = LogStore(max_lines, memory_budget)
        self.view = View(self.store, line_filter)
        self.index: SearchIndex | None = None
        """Matches of the current query in the view; ``None`` without a query."""
        self.requested_filter = self.view.filter
        """The newest filter asked for; the view's own ``filter`` changes when the re-filter
        that applies it is done."""

    # -- data in
    def append(self, source: int, event: Batch | Chunk) -> None:
        """Keep ``event``'s lines (call `sync` before drawing)."""
        if isinstance(event, Batch):
            self.store.extend(event, source)
        else:
            self.store.add_chunk(event, source, prepend=event.history)

    def sync(self) -> None:
        """Bring the view and the search index up to date with the store, in that order."""
        self.view.sync()
        index = self.index
        if index is not None and index.ready and not index.stale:
            index.sync()

    def clear(self) -> int:
        """Forget every line (the ``c`` key); returns how many were cleared."""
        count = self.store.clear()
        self.sync()
        return count

    # -- filter and search
    @property
    def query(self) -> SearchQuery | None:
        """The search query, if any (the one place it is kept)."""
        return self.index.query if self.index is not None else None

    def refilter(self, new: LineFilter, step: int = STEP_LINES) -> Iterator[float]:
        """Apply ``new`` to every kept line, a step at a time (progress 0..1 between steps).

        The search index, if any, is rebuilt over the new view in the same run.
        """
        self.requested_filter = new
        yield from self.view.refilter(new, step)
        yield from self.rebuild_search(step)

    def search(self, query: SearchQuery | None, step: int = STEP_LINES) -> Iterator[float]:
        """Set the query (``None`` ends the search) and find its matches, a step at a time."""
        self.index = SearchIndex(self.view, query) if query is not None else None
        yield from self.rebuild_search(step)

    def rebuild_search(self, step: int = STEP_LINES) -> Iterator[float]:
        """Bring a stale or unbuilt search index up to date (nothing if it is)."""
        index = self.index
        if index is not None and (index.stale or not index.ready):
            yield from index.build(step)

    # -- reading
    def find_level(
        self, start: int, level: int = Level.ERROR, backwards: bool = False
    ) -> int | None:
        """Visible index of the next (previous) shown line at ``level`` or worse."""
        return self.view.find_level(start, level, backwards)

    def totals(self) -> Totals:
        store, view = self.store, self.view
        return Totals(store.received, len(view), view.hidden, store.evicted, store.cleared)

    def line_number(self, n: int) -> int:
        """The 1-based number shown for absolute line ``n`` (history may sit below 0)."""
        return n - self.store.origin + 1
