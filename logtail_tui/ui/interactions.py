"""Filtering, search, navigation and line actions, mixed into the app.

The widgets only edit a filter or a query; the work runs over the store in chunks from
an async worker (`View.refilter`, `SearchIndex.build`), giving the UI a turn between
chunks so keys are answered while a million lines are re-filtered.
"""

from __future__ import annotations

import asyncio
import dataclasses
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

from logtail_tui.core.filters import LineFilter
from logtail_tui.core.record import Level
from logtail_tui.core.search import SearchIndex, SearchQuery
from logtail_tui.ui.detail_screen import DetailScreen
from logtail_tui.ui.filter_bar import FilterBar
from logtail_tui.ui.save_screen import SaveScreen
from logtail_tui.ui.search_bar import SearchBar
from logtail_tui.ui.source_screen import SourceScreen

if TYPE_CHECKING:
    from logtail_tui.ui.app import LogtailApp

LEVEL_CYCLE = (Level.NONE, Level.DEBUG, Level.INFO, Level.WARNING, Level.ERROR, Level.CRITICAL)
"""What ``l`` steps through."""

# (key, action, footer text, shown in footer, palette title, palette help)
_ACTIONS: list[tuple[str, str, str, bool, str, str]] = [
    ("f", "filter", "Filter", True, "Filter", "Include / exclude regexes and levels"),
    ("slash", "search", "Search", True, "Search", "Find text or a regex in the whole scrollback"),
    ("n", "next_match", "Next", False, "Next match", "Go to the next search match"),
    ("N", "previous_match", "Prev", False, "Previous match", "Go to the previous search match"),
    ("e", "next_error", "Next error", True, "Next error", "Go to the next error-or-worse line"),
    (
        "E",
        "previous_error",
        "Prev error",
        False,
        "Previous error",
        "Go to the previous error-or-worse line",
    ),
    ("l", "cycle_level", "Level", True, "Cycle minimum level", "Step the minimum level shown"),
    (
        "enter",
        "detail",
        "Detail",
        True,
        "Line detail",
        "Fields, pretty JSON and raw text of the selected line",
    ),
    ("y", "copy", "Copy", False, "Copy line", "Copy the selected line (OSC 52, works over SSH)"),
    ("ctrl+s", "save", "Save", False, "Save view", "Write the filtered view to a file"),
    ("c", "clear", "Clear", False, "Clear view", "Forget every line received so far"),
    ("w", "wrap", "Wrap", False, "Toggle wrap", "Wrap long lines on or off"),
    ("t", "times", "Times", False, "Toggle timestamps", "Show or hide record timestamps"),
    ("s", "choose_source", "Source", False, "Choose source", "Show one source or all of them"),
]


class Interactions:
    """Mixin for `LogtailApp`: owns the filter bar, search bar and every issue-4 action."""

    FILTER_CHUNK = 65536
    """Lines filtered or searched between two turns of the UI (~15-30 ms of work)."""

    INTERACTION_BINDINGS: list[Binding] = [
        Binding(key, action, text, show=show, key_display="/" if key == "slash" else None)
        for key, action, text, show, _, _ in _ACTIONS
    ]

    # -- set-up (called from the app) ---------------------------------------------------
    def init_interactions(self: LogtailApp) -> None:
        self.filter_bar = FilterBar(id="filter-bar")
        self.search_bar = SearchBar(id="search-bar")
        self.search_index: SearchIndex | None = None
        self._busy: dict[str, float] = {}
        self.requested_filter = self.view.filter
        """The newest filter asked for (the view's own changes when its re-filter is done)."""
        self._pending_jump: int = 0

    def compose_interactions(self: LogtailApp) -> Iterable[Widget]:
        yield self.filter_bar
        yield self.search_bar

    def start_interactions(self: LogtailApp) -> None:
        """Pre-fill from the command line (``-l -i -e -s``)."""
        self.filter_bar.set_filter(self.view.filter)
        if self.settings.search:
            self.search_bar.set_search(self.settings.search)
            self._set_query(SearchQuery.parse(self.settings.search))

    def after_sync(self: LogtailApp) -> None:
        index = self.search_index
        if index is not None and index.ready and not index.stale:
            index.sync()
            self._update_counter()

    def search_summary(self: LogtailApp) -> str:
        index = self.search_index
        if index is None:
            return ""
        if not index.ready:
            return "searching…"
        return f"search {self._counter_text()}"

    def busy_summary(self: LogtailApp) -> str:
        return " ".join(f"{what} {progress:.0%}" for what, progress in self._busy.items())

    def get_system_commands(self: LogtailApp, screen: Screen) -> Iterable[SystemCommand]:  # type: ignore[misc]
        yield from super().get_system_commands(screen)  # type: ignore[misc]
        for _, action, _, _, title, help_text in _ACTIONS:
            yield SystemCommand(title, help_text, getattr(self, f"action_{action}"))
        yield SystemCommand(
            "Pause / resume", "Stop or restart following", self.pane.action_toggle_pause
        )
        yield SystemCommand("Follow", "Go to the newest line and follow", self.pane.action_follow)

    # -- chunked work -------------------------------------------------------------------
    async def _run_chunked(self: LogtailApp, what: str, steps: Iterator[float]) -> bool:
        """Drive a chunked generator, yielding to the UI between chunks; False if cancelled."""
        try:
            for progress in steps:
                self._busy[what] = progress
                self.refresh_status()
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            if hasattr(steps, "close"):
                steps.close()  # type: ignore[attr-defined]
            self._busy.pop(what, None)
            raise
        self._busy.pop(what, None)
        return True

    # -- filter -------------------------------------------------------------------------
    def action_filter(self: LogtailApp) -> None:
        self.search_bar.close()
        self.filter_bar.set_filter(self.requested_filter)
        self.filter_bar.open()

    def on_filter_bar_changed(self: LogtailApp, message: FilterBar.Changed) -> None:
        self.apply_filter(message.line_filter)

    def on_filter_bar_closed(self: LogtailApp, message: FilterBar.Closed) -> None:
        self.pane.focus()

    def apply_filter(self: LogtailApp, line_filter: LineFilter) -> None:
        """Re-filter the whole scrollback off the UI path; the newest request wins."""
        self.requested_filter = line_filter
        self.run_worker(self._refilter(line_filter), group="filter", exclusive=True)

    async def _refilter(self: LogtailApp, line_filter: LineFilter) -> None:
        anchor = self.pane.selected_number() if not self.pane.following else None
        await self._run_chunked("filtering", self.view.refilter(line_filter, self.FILTER_CHUNK))
        self.pane.reset()
        if anchor is not None:
            self.pane.go_to(self.view.index_of(anchor))
        if self.search_index is not None:
            await self._rebuild_search()
        self.refresh_status()

    def action_cycle_level(self: LogtailApp) -> None:
        # From the newest request, so quick presses step on while a re-filter still runs.
        base = self.requested_filter
        current = base.level
        position = LEVEL_CYCLE.index(current) if current in LEVEL_CYCLE else 0
        level = LEVEL_CYCLE[(position + 1) % len(LEVEL_CYCLE)]
        new = dataclasses.replace(base, level=level)
        self.filter_bar.set_filter(new)
        self.notify(f"Minimum level: {level.label.lower() or 'all'}", timeout=1.5, markup=False)
        self.apply_filter(new)

    # -- search -------------------------------------------------------------------------
    def action_search(self: LogtailApp) -> None:
        self.filter_bar.close()
        self.search_bar.open()

    def on_search_bar_changed(self: LogtailApp, message: SearchBar.Changed) -> None:
        self._set_query(message.query)

    def on_search_bar_submitted(self: LogtailApp, message: SearchBar.Submitted) -> None:
        if message.query is not None and message.query != self.pane.query_:
            self._set_query(message.query)
        self.search_bar.close()
        self.pane.focus()
        # Following: the newest match is what a follower wants; else the next one down.
        self._jump(-1 if self.pane.following else 1)

    def on_search_bar_closed(self: LogtailApp, message: SearchBar.Closed) -> None:
        self.pane.focus()

    def _set_query(self: LogtailApp, query: SearchQuery | None) -> None:
        self.pane.set_query(query)
        if query is None:
            self.search_index = None
            self.workers.cancel_group(self, "search")
            self.search_bar.set_counter("")
            self.refresh_status()
            return
        self.search_index = SearchIndex(self.view, query)
        self.run_worker(self._rebuild_search(), group="search", exclusive=True)

    async def _rebuild_search(self: LogtailApp) -> None:
        index = self.search_index
        if index is None:
            return
        if index.stale or not index.ready:
            await self._run_chunked("searching", index.build(self.FILTER_CHUNK))
        self._update_counter()
        if self._pending_jump:
            direction, self._pending_jump = self._pending_jump, 0
            self._jump(direction)

    def _counter_text(self: LogtailApp) -> str:
        index = self.search_index
        if index is None or not index.ready:
            return ""
        total = len(index)
        if not total:
            return "no match"
        cursor = self.pane.cursor
        if cursor is not None and index.is_match(cursor):
            return f"{index.ordinal(cursor):,}/{total:,}"
        return f"{total:,} matches"

    def _update_counter(self: LogtailApp) -> None:
        text = self._counter_text()
        self.search_bar.set_counter(text, error=text == "no match")
        self.refresh_status()

    def _jump(self: LogtailApp, direction: int) -> None:
        index = self.search_index
        if index is None:
            self.notify("No search yet: press / to search.", timeout=2, markup=False)
            return
        if not index.ready or index.stale:
            self._pending_jump = direction  # done when the build finishes
            if index.stale:
                self.run_worker(self._rebuild_search(), group="search", exclusive=True)
            return
        cursor = self.pane.cursor
        if direction > 0:
            found = index.next(cursor if cursor is not None else -1)
        else:
            found = index.previous(cursor if cursor is not None else len(self.view))
        if found is None:
            self.notify("No match in the view.", severity="warning", timeout=2, markup=False)
            return
        target, wrapped = found
        if wrapped:
            where = "top" if direction > 0 else "bottom"
            self.notify(f"Search wrapped to the {where}.", timeout=1.5, markup=False)
        self.pane.go_to(target)
        self._update_counter()

    def action_next_match(self: LogtailApp) -> None:
        self._jump(1)

    def action_previous_match(self: LogtailApp) -> None:
        self._jump(-1)

    # -- navigation ---------------------------------------------------------------------
    def _error(self: LogtailApp, backwards: bool) -> None:
        cursor = self.pane.cursor
        start = cursor if cursor is not None else (len(self.view) if backwards else -1)
        found = self.view.find_level(start, Level.ERROR, backwards=backwards)
        if found is None:
            self.notify(
                f"No {'earlier' if backwards else 'later'} error.", timeout=1.5, markup=False
            )
            return
        self.pane.go_to(found)
        self._update_counter()

    def action_next_error(self: LogtailApp) -> None:
        self._error(False)

    def action_previous_error(self: LogtailApp) -> None:
        self._error(True)

    # -- line actions -------------------------------------------------------------------
    def action_detail(self: LogtailApp) -> None:
        number = self.pane.selected_number()
        if number is None:
            return
        label = self.specs[self.store.source(number)].label
        line = number - self.store.origin + 1
        self.push_screen(DetailScreen(self.store.record(number), label, line))

    def action_copy(self: LogtailApp) -> None:
        number = self.pane.selected_number()
        if number is None:
            return
        text = self.store.export(number)
        self.copy_to_clipboard(text)
        line = number - self.store.origin + 1
        self.notify(f"Copied line {line:,} ({len(text):,} characters).", timeout=1.5, markup=False)

    def action_save(self: LogtailApp) -> None:
        self.push_screen(SaveScreen(), self._save_to)

    def _save_to(self: LogtailApp, path: str | None) -> None:
        if path is None:
            return
        # Snapshot the view's numbers now (one array); lines are read chunk by chunk.
        numbers = array("q", self.view)
        self.run_worker(self._write(Path(path), numbers), group="save")

    async def _write(self: LogtailApp, path: Path, numbers: array[int]) -> None:
        store = self.store
        written = 0
        try:
            with path.open("w", encoding="utf-8", errors="replace") as f:
                for start in range(0, len(numbers), self.FILTER_CHUNK):
                    part = [n for n in numbers[start : start + self.FILTER_CHUNK] if n in store]
                    lines = list(map(store.export, part))
                    if lines:
                        await asyncio.to_thread(f.write, "\n".join(lines) + "\n")
                    written += len(lines)
                    await asyncio.sleep(0)
        except OSError as exc:
            self.notify(
                f"Could not write {path}: {exc.strerror or exc}.", severity="error", markup=False
            )
            return
        lost = len(numbers) - written
        note = f" ({lost:,} were evicted while saving)" if lost else ""
        self.notify(f"Wrote {written:,} lines to {path}{note}.", title="Saved", markup=False)

    def action_clear(self: LogtailApp) -> None:
        self.flush_now()
        count = self.store.clear()
        self.pane.sync()
        self.pane.reset()
        self.after_sync()
        self.refresh_status()
        self.notify(f"Cleared {count:,} lines.", timeout=1.5, markup=False)

    def action_wrap(self: LogtailApp) -> None:
        self.pane.wrap = not self.pane.wrap

    def action_times(self: LogtailApp) -> None:
        self.pane.show_times = not self.pane.show_times

    def action_choose_source(self: LogtailApp) -> None:
        if len(self.specs) < 2:
            self.notify("Only one source is followed.", timeout=1.5, markup=False)
            return
        labels = [spec.label for spec in self.specs]
        self.push_screen(SourceScreen(labels, self.view.filter.sources), self._choose_source)

    def _choose_source(self: LogtailApp, choice: int | None) -> None:
        if choice is None:
            return
        sources = frozenset() if choice < 0 else frozenset({choice})
        self.apply_filter(dataclasses.replace(self.requested_filter, sources=sources))
