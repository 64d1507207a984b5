"""Search: the query, its index over the view, the match counter and n / N jumps.

The search bar only edits a query; the index is built over the filtered view in chunks
from a worker (`SearchIndex.build`), so keys are answered while a million lines are read.
"""

from __future__ import annotations

from logtail_tui.core.search import SearchIndex, SearchQuery
from logtail_tui.ui.host import ChunkedWork, Host
from logtail_tui.ui.search_bar import SearchBar


class SearchController:
    """Owns the search index of the app's view and moves the pane between matches."""

    def __init__(self, app: Host, work: ChunkedWork) -> None:
        self.app = app
        self.work = work
        self._pending_jump: int = 0

    @property
    def index(self) -> SearchIndex | None:
        """The scrollback's search index (the one place the query lives)."""
        return self.app.scrollback.index

    def start(self) -> None:
        """Pre-fill from the command line (``-s``)."""
        app = self.app
        if app.settings.search:
            app.search_bar.set_search(app.settings.search)
            self._set_query(SearchQuery.parse(app.settings.search))

    def after_sync(self) -> None:
        """New lines reached the view (the scrollback synced the index): update the counter."""
        index = self.index
        if index is not None and index.ready and not index.stale:
            self._update_counter()

    def summary(self) -> str:
        """The status bar's search part: ``searching…``, ``search 3/12`` or empty."""
        index = self.index
        if index is None:
            return ""
        if not index.ready:
            return "searching…"
        return f"search {self._counter_text()}"

    # -- the bar ------------------------------------------------------------------------
    def open(self) -> None:
        self.app.filter_bar.close()
        self.app.field_bar.close()
        self.app.search_bar.open()

    def on_changed(self, message: SearchBar.Changed) -> None:
        self._set_query(message.query)

    def on_submitted(self, message: SearchBar.Submitted) -> None:
        app = self.app
        if message.query is not None and message.query != app.pane.query_:
            self._set_query(message.query)
        app.search_bar.close()
        app.pane.focus()
        # Following: the newest match is what a follower wants; else the next one down.
        self._jump(-1 if app.pane.following else 1)

    # -- the index ----------------------------------------------------------------------
    def _set_query(self, query: SearchQuery | None) -> None:
        app = self.app
        app.scrollback.search(query)  # sets the query now; rebuild() does the work
        app.pane.query_changed()
        if query is None:
            app.workers.cancel_group(app, "search")  # type: ignore[arg-type]
            app.search_bar.set_counter("")
            app.refresh_status()
            return
        app.run_worker(self.rebuild(), group="search", exclusive=True)

    async def rebuild(self) -> None:
        """Build (or rebuild a stale) index, then make a jump that waited for it."""
        if self.index is None:
            return
        await self.work.run("searching", self.app.scrollback.rebuild_search(self.app.FILTER_CHUNK))
        self._update_counter()
        if self._pending_jump:
            direction, self._pending_jump = self._pending_jump, 0
            self._jump(direction)

    def _counter_text(self) -> str:
        index = self.index
        if index is None or not index.ready:
            return ""
        total = len(index)
        if not total:
            return "no match"
        cursor = self.app.pane.cursor
        if cursor is not None and index.is_match(cursor):
            return f"{index.ordinal(cursor):,}/{total:,}"
        return f"{total:,} {'match' if total == 1 else 'matches'}"

    def _update_counter(self) -> None:
        text = self._counter_text()
        self.app.search_bar.set_counter(text, error=text == "no match")
        self.app.refresh_status()

    # -- jumps --------------------------------------------------------------------------
    def _jump(self, direction: int) -> None:
        app = self.app
        index = self.index
        if index is None:
            app.notify("No search yet: press / to search.", timeout=2, markup=False)
            return
        if not index.ready or index.stale:
            self._pending_jump = direction  # done when the build finishes
            if index.stale:
                app.run_worker(self.rebuild(), group="search", exclusive=True)
            return
        cursor = app.pane.cursor
        if direction > 0:
            found = index.next(cursor if cursor is not None else -1)
        else:
            found = index.previous(cursor if cursor is not None else len(app.view))
        if found is None:
            app.notify("No match in the view.", severity="warning", timeout=2, markup=False)
            return
        target, wrapped = found
        if wrapped:
            where = "top" if direction > 0 else "bottom"
            app.notify(f"Search wrapped to the {where}.", timeout=1.5, markup=False)
        app.pane.go_to(target)
        self._update_counter()

    def next_match(self) -> None:
        self._jump(1)

    def previous_match(self) -> None:
        self._jump(-1)

    def moved(self) -> None:
        """The cursor moved by other means (e / E): the counter shows where it is."""
        self._update_counter()
