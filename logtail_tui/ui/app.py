"""The Textual app: wires the hub's events into the store and the pane, coalesced.

Sources run as asyncio tasks on the app's loop. Their batches are queued and flushed to
the store at most ~60 times a second (never cross to the UI per line: docs/architecture.md, "Engineering notes"), but
the first batch after a quiet spell is flushed at once so a single appended line shows
within milliseconds.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from rich.console import RenderableType
from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.screen import Screen

from logtail_tui.core.chunks import Chunk
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.markers import marker_batch
from logtail_tui.core.record import Batch
from logtail_tui.core.scrollback import Scrollback
from logtail_tui.core.settings import Settings
from logtail_tui.core.store import LogStore
from logtail_tui.core.view import View
from logtail_tui.sources import registry
from logtail_tui.sources.contract import (
    Heartbeat,
    Source,
    SourceEvent,
    SourceSpec,
    State,
    StateChanged,
)
from logtail_tui.sources.hub import Hub
from logtail_tui.sources.merge_gate import MergeGate
from logtail_tui.ui import keymap
from logtail_tui.ui.columns import ColumnsController
from logtail_tui.ui.field_bar import FieldBar
from logtail_tui.ui.filter_bar import FilterBar
from logtail_tui.ui.filtering import FilterController
from logtail_tui.ui.help_screen import HelpScreen
from logtail_tui.ui.host import ChunkedWork
from logtail_tui.ui.key_footer import KeyFooter
from logtail_tui.ui.line_actions import LineActions
from logtail_tui.ui.log_pane import LogPane
from logtail_tui.ui.marking import MarkController
from logtail_tui.ui.safe_input import route_key
from logtail_tui.ui.search_bar import SearchBar
from logtail_tui.ui.searching import SearchController
from logtail_tui.ui.status_bar import Counts, StatusBar
from logtail_tui.ui.terminal_rows import TerminalRows, to_send
from logtail_tui.ui.theme_choice import ThemeChoice
from logtail_tui.ui.themes import derive
from logtail_tui.ui.timeline import Timeline

FLUSH_INTERVAL = 1 / 60
"""Minimum time between two flushes of queued batches into the store."""
FLOOD_INTERVAL = 1 / 15
"""The same during a flood: each flush repaints a screen of never-seen lines, and at
100k+ lines a second those repaints would take CPU from parsing; 15/s still reads as live."""
FLOOD_LINES = 20_000
"""A flush at least this big means a flood."""
HISTORY_INTERVAL = 1 / 4
"""The same while only history read backwards is waiting: it lands above the screen, so a
repaint shows little new, and fewer repaints leave the CPU to the indexing."""


WHEEL_LINES = 3.0
"""Lines a wheel notch scrolls, as in less and lnav (Textual's default is 2)."""


class LogtailApp(App[int]):
    """Follows ``specs`` and shows them. The return value is the exit status.

    Filtering, search and line actions live in composed controllers (`filtering`,
    `searching`, `line_actions`); the app's action methods only route keys to them.
    """

    CSS_PATH = Path(__file__).with_name("app.tcss")
    TITLE = "logtail"
    BINDINGS = keymap.bindings("app")
    FILTER_CHUNK = 65536
    """Lines filtered or searched between two turns of the UI (~15-30 ms of work)."""
    STATUS_TICK = 1.0
    """Seconds between status refreshes (rate, "heard N s ago"); snapshot tests stop it."""
    startup_hint: str | None = None
    """A line to show once at start (the first-run key hint, `first_run.arm`)."""

    def __init__(
        self,
        specs: Sequence[SourceSpec],
        settings: Settings,
        factory: Callable[[SourceSpec, Settings], Source] = registry.create,
    ) -> None:
        super().__init__()
        self.scroll_sensitivity_y = WHEEL_LINES
        self.specs = list(specs)
        self.settings = settings
        self.themes = ThemeChoice(self, settings.theme)
        self.scrollback = Scrollback(
            settings.max_lines,
            settings.memory_budget,
            LineFilter.from_settings(settings),
        )
        self.merge = MergeGate(
            self._on_source_event,
            len(self.specs),
            settings.merge_by_time,
            settings.reorder_window,
            settings.max_lines,
        )
        self.hub = Hub(self.specs, settings, self.merge, factory)
        self._pending: list[tuple[int, Batch | Chunk]] = []
        self._flush_scheduled = False
        self._slow_flush = False
        self._last_flush = 0.0
        self._last_flush_lines = 0
        self._rate_mark = (time.monotonic(), 0)
        self._rate = 0.0
        self._announced_failures: set[int] = set()
        self.labels = [spec.label for spec in self.specs]
        """Display names by source index: the one list the pane and status bar read."""
        self.pane = LogPane(self.scrollback, self.labels, utc=settings.utc, id="log")
        self.status = StatusBar(self.labels, id="status")
        self.filter_bar = FilterBar(id="filter-bar")
        self.search_bar = SearchBar(id="search-bar")
        self.field_bar = FieldBar(utc=settings.utc, id="field-bar")
        self.work = ChunkedWork(self.refresh_status)
        self.searching = SearchController(self, self.work)
        self.filtering = FilterController(self, self.work, self.searching)
        self.line_actions = LineActions(self, self.searching)
        self.marking = MarkController(self)
        self.columns = ColumnsController(self)
        self.terminal_rows = TerminalRows()
        self.pane.columns = self.columns.columns.apply
        self.timeline = Timeline(self, id="timeline")

    def _display(self, screen: Screen, renderable: RenderableType | None) -> None:
        # The terminal moves the pane's rows itself (ui/terminal_rows.py).
        super()._display(screen, to_send(self, self.terminal_rows, screen, renderable, self.pane))

    def action_redraw(self) -> None:
        self.terminal_rows.forget()  # what the terminal shows is no longer known:
        self.screen.refresh()  # every row is written as Textual makes it

    def compose(self) -> ComposeResult:
        yield self.pane
        yield self.filter_bar
        yield self.field_bar
        yield self.search_bar
        yield self.timeline
        yield self.status
        yield KeyFooter(id="footer")

    def on_mount(self) -> None:
        self.sub_title = ", ".join(spec.label for spec in self.specs)
        self.pane.focus()
        self.themes.start()
        self.filtering.start()
        self.searching.start()
        self.hub.start()
        self.set_interval(self.STATUS_TICK, self._tick)
        self.refresh_status()
        if self.startup_hint:
            self.notify(self.startup_hint, title="Keys", timeout=15, markup=False)
        self.app_resume_signal.subscribe(self, lambda _: self.action_redraw())  # after Ctrl+Z
        # Everything allocated so far lives for the whole run: keep the GC from re-walking it.
        gc.freeze()

    async def on_unmount(self) -> None:
        await self.hub.aclose()

    # -- events from sources ------------------------------------------------------------
    def _on_source_event(self, index: int, event: SourceEvent) -> None:
        if isinstance(event, Batch | Chunk):
            if len(event):
                self._pending.append((index, event))
                self._schedule_flush(history=isinstance(event, Chunk) and event.history)
            return
        failed = isinstance(event, StateChanged) and event.state is State.FAILED
        if failed and index not in self._announced_failures:
            self._announced_failures.add(index)
            self.notify(
                f"{self.specs[index].label}: {event.detail}",
                title="Source failed",
                severity="error",
                markup=False,
            )
        if isinstance(event, StateChanged) and event.mark:  # in the flow, where it happened
            self._on_source_event(index, marker_batch(event.detail))
        if isinstance(event, StateChanged | Heartbeat):
            self.refresh_status()
        done = isinstance(event, StateChanged) and event.progress is None
        if done and self._flush_scheduled and self._slow_flush:
            self.call_later(self._flush)  # history is all read: show the last of it now

    def _schedule_flush(self, history: bool = False) -> None:
        # A live line while history waits for a slow repaint is shown at the usual pace
        # (whichever timer fires first flushes everything; the other finds nothing).
        if self._flush_scheduled and (history or not self._slow_flush):
            return
        self._flush_scheduled = True
        self._slow_flush = history
        if history:
            interval = HISTORY_INTERVAL
        else:
            interval = FLOOD_INTERVAL if self._last_flush_lines >= FLOOD_LINES else FLUSH_INTERVAL
        delay = self._last_flush + interval - time.monotonic()
        if delay <= 0:
            self.call_later(self._flush)  # quiet until now: show this line at once
        else:
            self.set_timer(delay, self._flush)

    def _flush(self) -> None:
        if not self._flush_scheduled or not self.pane.is_attached:
            return  # flush_now got there first, or the app is closing (the pane has no styles)
        self._flush_scheduled = False
        self._last_flush = time.monotonic()
        pending, self._pending = self._pending, []
        self._last_flush_lines = sum(len(batch) for _, batch in pending)

        def append() -> None:
            for index, batch in pending:
                self.scrollback.append(index, batch)

        self.pane.sync(append)
        self.searching.after_sync()
        self.refresh_status()

    def flush_now(self) -> None:
        """Apply queued batches at once (tests and actions that need a current view)."""
        self._flush_scheduled = True
        self._flush()

    # -- status -------------------------------------------------------------------------
    def _tick(self) -> None:
        now = time.monotonic()
        then, received = self._rate_mark
        if now > then:
            self._rate = (self.store.received - received) / (now - then)
        self._rate_mark = (now, self.store.received)
        self.refresh_status()

    @property
    def store(self) -> LogStore:
        """The scrollback's store (read through the scrollback; never replaced)."""
        return self.scrollback.store

    @property
    def view(self) -> View:
        """The scrollback's view."""
        return self.scrollback.view

    def counts(self) -> Counts:
        totals = self.scrollback.totals()
        return Counts(
            received=totals.received,
            shown=totals.shown,
            hidden=totals.hidden,
            evicted=totals.evicted,
            cleared=totals.cleared,
            rate=self._rate,
            new_while_paused=self.pane.new_while_paused,
            following=self.pane.following,
            search=self.searching.summary(),
            filter=self.view.filter.describe(self.labels),
            busy=self.work.summary(),
            merge="merged by time" if self.merge.enabled else "",
        )

    def refresh_status(self) -> None:
        self.status.update_status(self.hub.states, self.hub.last_heard, self.counts())

    def on_log_pane_follow_changed(self, message: LogPane.FollowChanged) -> None:
        self.refresh_status()

    def get_css_variables(self) -> dict[str, str]:
        variables = super().get_css_variables()
        return {**derive(variables), **variables}  # logtail's colours (ui/themes.py)

    # -- keys (declared in keymap.py) and the palette -----------------------------------
    def _on_key(self, event: events.Key) -> None:
        # Textual then runs App's own handler, the bindings, unless the default is prevented.
        if route_key(event, self.focused):
            event.prevent_default()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        targets: dict[keymap.Scope, object] = {"app": self, "pane": self.pane}
        for scope, target in targets.items():
            for key in keymap.palette(scope):
                action = getattr(target, f"action_{key.action}")
                yield SystemCommand(key.palette or "", key.help or "", action)

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    async def action_quit(self) -> None:
        self.exit(1 if self.hub.failed else 0)

    def action_mark(self) -> None:
        self.marking.toggle()

    def action_next_mark(self) -> None:
        self.marking.jump(backwards=False)

    def action_previous_mark(self) -> None:
        self.marking.jump(backwards=True)

    def action_merge(self) -> None:
        self.merge.set_enabled(not self.merge.enabled)
        self.refresh_status()

    def action_filter(self) -> None:
        self.filtering.open()

    def action_fields(self) -> None:
        self.filtering.open_fields()

    def action_cycle_level(self) -> None:
        self.filtering.cycle_level()

    def action_choose_source(self) -> None:
        self.filtering.choose_source()

    def action_search(self) -> None:
        self.searching.open()

    def action_next_match(self) -> None:
        self.searching.next_match()

    def action_previous_match(self) -> None:
        self.searching.previous_match()

    def action_next_error(self) -> None:
        self.line_actions.next_error()

    def action_previous_error(self) -> None:
        self.line_actions.previous_error()

    def action_detail(self) -> None:
        self.line_actions.detail()

    def action_copy(self) -> None:
        self.line_actions.copy()

    def action_save(self) -> None:
        self.line_actions.save()

    def action_clear(self) -> None:
        self.line_actions.clear()

    def action_wrap(self) -> None:
        self.pane.wrap = not self.pane.wrap

    def action_times(self) -> None:
        self.pane.show_times = not self.pane.show_times

    def action_columns(self) -> None:
        self.columns.choose()

    def action_levels(self) -> None:
        self.pane.show_levels = not self.pane.show_levels

    def action_timeline(self) -> None:
        self.timeline.toggle()

    def action_timeline_previous(self) -> None:
        self.timeline.step(-1)

    def action_timeline_next(self) -> None:
        self.timeline.step(+1)

    # -- messages from the bars ---------------------------------------------------------
    def on_filter_bar_changed(self, message: FilterBar.Changed) -> None:
        self.filtering.on_changed(message)

    def on_field_bar_changed(self, message: FieldBar.Changed) -> None:
        self.filtering.on_where(message.where)

    def on_field_bar_closed(self, message: FieldBar.Closed) -> None:
        self.pane.focus()

    def on_search_bar_changed(self, message: SearchBar.Changed) -> None:
        self.searching.on_changed(message)

    def on_search_bar_submitted(self, message: SearchBar.Submitted) -> None:
        self.searching.on_submitted(message)

    def on_filter_bar_closed(self, message: FilterBar.Closed) -> None:
        self.pane.focus()

    def on_search_bar_closed(self, message: SearchBar.Closed) -> None:
        self.pane.focus()
