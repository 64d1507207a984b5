"""Filtering: the filter bar, ``l`` and ``s`` edit a `LineFilter`; this re-filters.

Re-filtering runs over the whole scrollback in chunks from a worker (`View.refilter`),
giving the UI a turn between chunks; the newest request wins. A live search is rebuilt
over the new view afterwards.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

from logtail_tui.core.filters import LineFilter
from logtail_tui.core.record import Level
from logtail_tui.core.where_eval import Where
from logtail_tui.ui.filter_bar import FilterBar
from logtail_tui.ui.host import ChunkedWork, Host
from logtail_tui.ui.searching import SearchController
from logtail_tui.ui.source_screen import SourceScreen

LEVEL_CYCLE = (Level.NONE, Level.DEBUG, Level.INFO, Level.WARNING, Level.ERROR, Level.CRITICAL)
"""What ``l`` steps through."""


class FilterController:
    """Applies filters edited in the bar, by ``l`` (level) and by ``s`` (source)."""

    def __init__(self, app: Host, work: ChunkedWork, search: SearchController) -> None:
        self.app = app
        self.work = work
        self.search = search

    @property
    def requested_filter(self) -> LineFilter:
        """The newest filter asked for (kept by the scrollback)."""
        return self.app.scrollback.requested_filter

    def start(self) -> None:
        """Pre-fill the bars from the command line (``-l -i -e -w``)."""
        self.app.filter_bar.set_filter(self.app.view.filter)
        self.app.field_bar.set_where(self.app.view.filter.where)

    def open(self) -> None:
        app = self.app
        app.search_bar.close()
        app.field_bar.close()
        app.filter_bar.set_filter(self.requested_filter)
        app.filter_bar.open()

    def open_fields(self) -> None:
        """The field bar (``F``), showing the expression in force."""
        app = self.app
        app.search_bar.close()
        app.filter_bar.close()
        app.field_bar.set_where(self.requested_filter.where)
        app.field_bar.open()

    def on_changed(self, message: FilterBar.Changed) -> None:
        # The filter bar does not edit the where expression: keep the one in force.
        self.apply(dataclasses.replace(message.line_filter, where=self.requested_filter.where))

    def on_where(self, where: Where | None) -> None:
        """The field bar's expression changed (``None``: cleared)."""
        self.apply(dataclasses.replace(self.requested_filter, where=where))

    def apply(self, line_filter: LineFilter) -> None:
        """Re-filter the whole scrollback off the UI path; the newest request wins."""
        # Parsing fields costs more a line than a regex: smaller steps keep keys answered.
        step = self.app.FILTER_CHUNK // (4 if line_filter.where is not None else 1)
        steps = self.app.scrollback.refilter(line_filter, step)
        self.app.run_worker(self._refilter(steps), group="filter", exclusive=True)

    async def _refilter(self, steps: Iterator[float]) -> None:
        app = self.app
        anchor = app.pane.selected_number() if not app.pane.following else None
        await self.work.run("filtering", steps)
        app.pane.reset()
        if anchor is not None:
            app.pane.go_to(app.view.index_of(anchor))
        if self.search.index is not None:
            await self.search.rebuild()
        app.refresh_status()

    def cycle_level(self) -> None:
        app = self.app
        # From the newest request, so quick presses step on while a re-filter still runs.
        base = self.requested_filter
        current = base.level
        position = LEVEL_CYCLE.index(current) if current in LEVEL_CYCLE else 0
        level = LEVEL_CYCLE[(position + 1) % len(LEVEL_CYCLE)]
        new = dataclasses.replace(base, level=level)
        app.filter_bar.set_filter(new)
        app.notify(f"Minimum level: {level.label.lower() or 'all'}", timeout=1.5, markup=False)
        self.apply(new)

    def choose_source(self) -> None:
        app = self.app
        if len(app.specs) < 2:
            app.notify("Only one source is followed.", timeout=1.5, markup=False)
            return
        labels = [spec.label for spec in app.specs]
        app.push_screen(SourceScreen(labels, app.view.filter.sources), self._choose_source)

    def _choose_source(self, choice: int | None) -> None:
        if choice is None:
            return
        sources = frozenset() if choice < 0 else frozenset({choice})
        self.apply(dataclasses.replace(self.requested_filter, sources=sources))
