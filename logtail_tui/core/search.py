"""Search over the filtered view: the query, and the index of matching lines behind ``n``/``N``.

A `SearchIndex` holds the absolute numbers of the visible lines that match, in an
``array('q')`` (8 bytes a match), so the ``12/340`` counter and jumps to a match a million
lines away are a bisect, not a scan. It is built in chunks like `View.refilter` and kept up
to date incrementally after each `View.sync`.

Usage from the UI::

    query = SearchQuery.parse(typed, regex=False)
    index = SearchIndex(view, query)
    for _ in index.build():                 # in a worker
        await asyncio.sleep(0)
    view.sync(); index.sync()               # on every flush
    hit = index.next(cursor)                # -> (visible index, wrapped) or None
    f"{index.ordinal(hit[0])}/{len(index)}"
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from logtail_tui.core.filters import compile_pattern
from logtail_tui.core.record_spans import record_end, record_start
from logtail_tui.core.scan import search_numbers
from logtail_tui.core.view import View

_ESCAPES = re.compile(r"\\.|\(\?P?<[^>]*>|\(\?P=[^)]*\)")
"""Escapes (``\\S``, ``\\W``) and group names do not make a regex query case-sensitive."""


@dataclass(frozen=True, slots=True)
class SearchQuery:
    """What the user searches for.

    Attributes:
        text: As typed.
        regex: Whether ``text`` is a regular expression (otherwise plain text).
        pattern: The compiled form; smart case: case-insensitive unless ``text`` has a
            capital letter.
    """

    text: str
    regex: bool
    pattern: re.Pattern[str]

    @classmethod
    def parse(cls, text: str, regex: bool = False) -> SearchQuery:
        """Build a query; raises ``ValueError`` (one sentence) for an empty or invalid one."""
        if not text:
            raise ValueError("the search is empty: type the text to look for")
        literal_part = _ESCAPES.sub("", text) if regex else text
        flags = 0 if any(c.isupper() for c in literal_part) else re.IGNORECASE
        source = text if regex else re.escape(text)
        return cls(text, regex, compile_pattern(source, "search", flags))

    @property
    def ignore_case(self) -> bool:
        """Whether smart case made the search case-insensitive."""
        return bool(self.pattern.flags & re.IGNORECASE)

    def matches(self, line: str) -> bool:
        """Whether the query matches anywhere in ``line``."""
        return self.pattern.search(line) is not None

    def spans(self, line: str) -> list[tuple[int, int]]:
        """Every non-empty match in ``line`` as ``(start, end)``, for highlighting."""
        return [m.span() for m in self.pattern.finditer(line) if m.end() > m.start()]


class SearchIndex:
    """Matching visible lines for the ``12/340`` counter and ``n``/``N`` across the whole
    (filtered) scrollback.

    Args:
        view: The view searched; call its `View.sync` before this index's `sync`.
        query: What to find.
    """

    def __init__(self, view: View, query: SearchQuery) -> None:
        self.view = view
        self.query = query
        self._hits: array[int] = array("q")
        """Absolute numbers of matching visible lines, ascending."""
        self._end: int | None = None
        """One past the last absolute number examined; ``None`` until built."""
        self._start = view.first
        """The oldest absolute number examined (history may be prepended below it)."""
        self._generation = view.generation

    # -- building
    @property
    def ready(self) -> bool:
        """Whether `build` has completed (before that the index is empty)."""
        return self._end is not None

    @property
    def stale(self) -> bool:
        """The view's filter changed since the build: run `build` again."""
        return self._generation != self.view.generation

    def build(self, chunk: int = 65536) -> Iterator[float]:
        """Search every visible line in chunks, yielding progress (0..1) between chunks.

        The previous result (if any) stays in use until the generator is exhausted. If the
        view's filter is swapped meanwhile, the build starts over on the new view.

        Args:
            chunk: Visible lines searched between two yields.
        """
        view = self.view
        while True:
            generation = view.generation
            hits: array[int] = array("q")
            lo, hi = view.first, view.end
            total = max(1, len(view))
            pos, done = lo, 0
            while pos < hi and generation == view.generation:
                i = view.index_of(pos)
                j = min(view.index_of(hi), i + chunk)
                if i >= j:
                    break
                numbers = view.numbers(i, j)
                hits.extend(self._search(numbers))
                pos = numbers[-1] + 1
                done += j - i
                if pos < hi:
                    yield min(done / total, 0.99)
            if generation == view.generation:
                break
        self._hits = hits
        self._start = lo
        self._end = hi
        self._generation = generation
        self.sync()

    def build_now(self) -> None:
        """Build at once (blocking); prefer `build` in a worker for a big store."""
        for _ in self.build():
            pass

    def sync(self) -> None:
        """Catch up with the view after `View.sync`: drop evicted matches, search new lines
        (appended, or history prepended before the oldest)."""
        view = self.view
        if self._end is None or self.stale:
            return
        hits = self._hits
        if hits and hits[0] < view.first:
            del hits[: bisect_left(hits, view.first)]
        if view.first < self._start:
            stop = view.index_of(self._start)
            hits[0:0] = array("q", self._search(view.numbers(0, stop)))
        self._start = view.first
        start = max(self._end, view.first)
        if view.redone_from is not None and view.redone_from < start:
            start = view.redone_from  # the newest record was decided again, whole
            del hits[bisect_left(hits, start) :]
        if start < view.end:
            i = view.index_of(start)
            if i < len(view):
                hits.extend(self._search(view.numbers(i, len(view))))
        self._end = max(view.end, start)

    def _search(self, numbers: Sequence[int]) -> list[int]:
        """The numbers (ascending) whose lines match; numbers no longer kept are skipped."""
        first = self.view.store.first
        if numbers and numbers[0] < first:
            # The store evicted lines the view has not synced away yet.
            numbers = numbers[bisect_left(numbers, first) :]
        return search_numbers(self.query.pattern, self.view.store, numbers)

    # -- reading
    def __len__(self) -> int:
        """Number of matching visible lines."""
        return len(self._hits)

    def numbers(self) -> Sequence[int]:
        """Absolute numbers of the matching lines (read-only use)."""
        return self._hits

    def next(self, after_index: int) -> tuple[int, bool] | None:
        """The first match in a record after the one holding visible line ``after_index``
        (``-1``: from the top).

        Returns:
            ``(visible index, wrapped)`` where ``wrapped`` says the search went past the
            newest line and continued from the oldest; ``None`` when nothing matches.
        """
        hits, view = self._hits, self.view
        if not hits:
            return None
        if after_index < 0:
            k = 0
        elif after_index >= len(view):
            k = len(hits)
        else:
            # Past the rest of this record: a record with several matching lines is one hit.
            k = bisect_left(hits, record_end(view.store, view[after_index]))
        if k < len(hits):
            return view.index_of(hits[k]), False
        return view.index_of(hits[0]), True

    def previous(self, before_index: int) -> tuple[int, bool] | None:
        """The first match of the nearest record before the one holding visible line
        ``before_index`` that has one (``len(view)``: from the end).

        Returns:
            ``(visible index, wrapped)``; ``None`` when nothing matches.
        """
        hits, view = self._hits, self.view
        if not hits:
            return None
        if before_index < 0:
            k = -1
        elif before_index >= len(view):
            k = len(hits) - 1
        else:
            k = bisect_left(hits, record_start(view.store, view[before_index])) - 1
        wrapped = k < 0
        if wrapped:
            k = len(hits) - 1
        # The first matching line of that record (a record with several is one hit).
        store = view.store
        if hits[k] in store:
            k = max(0, bisect_left(hits, record_start(store, hits[k])))
        return view.index_of(hits[k]), wrapped

    def ordinal(self, visible_index: int) -> int:
        """1-based position of the match at ``visible_index`` for ``12/340``; for a line that
        does not match, the number of matches before it (0 before the first)."""
        view = self.view
        if not 0 <= visible_index < len(view):
            return 0 if visible_index < 0 else len(self._hits)
        return bisect_right(self._hits, view[visible_index])

    def is_match(self, visible_index: int) -> bool:
        """Whether visible line ``visible_index`` matches."""
        if not 0 <= visible_index < len(self.view):
            return False
        n = self.view[visible_index]
        k = bisect_left(self._hits, n)
        return k < len(self._hits) and self._hits[k] == n
