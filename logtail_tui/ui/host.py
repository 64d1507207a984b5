"""What the controllers need from the app, as a protocol (no import of the app class).

`FilterController`, `SearchController` and `LineActions` each hold a `Host` (the running
`LogtailApp`); typing it structurally keeps the app -> controller import one-way.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, Protocol

from textual.notifications import SeverityLevel
from textual.worker import Worker
from textual.worker_manager import WorkerManager

from logtail_tui.core.scrollback import Scrollback
from logtail_tui.core.settings import Settings
from logtail_tui.core.store import LogStore
from logtail_tui.core.view import View
from logtail_tui.sources.contract import SourceSpec
from logtail_tui.ui.field_bar import FieldBar
from logtail_tui.ui.filter_bar import FilterBar
from logtail_tui.ui.log_pane import LogPane
from logtail_tui.ui.search_bar import SearchBar


class Host(Protocol):
    """The app as its controllers see it."""

    FILTER_CHUNK: int
    specs: list[SourceSpec]
    settings: Settings
    scrollback: Scrollback
    store: LogStore
    view: View
    pane: LogPane
    filter_bar: FilterBar
    field_bar: FieldBar
    search_bar: SearchBar

    @property
    def workers(self) -> WorkerManager: ...

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None: ...

    def run_worker(
        self,
        work: Coroutine[Any, Any, Any],
        name: str | None = "",
        group: str = "default",
        description: str = "",
        exit_on_error: bool = True,
        start: bool = True,
        exclusive: bool = False,
        thread: bool = False,
    ) -> Worker[Any]: ...

    @property
    def push_screen(self) -> Callable[..., Any]:
        """`App.push_screen` (overloaded there; controllers pass a screen and a callback)."""
        ...

    def copy_to_clipboard(self, text: str) -> None: ...

    def flush_now(self) -> None: ...

    def refresh_status(self) -> None: ...


class ChunkedWork:
    """Runs chunked generators (re-filter, search build) with a turn for the UI in between.

    Progress of each running job is kept for the status bar (``filtering 40%``).
    """

    def __init__(self, refresh: Callable[[], None]) -> None:
        self._refresh = refresh
        self._busy: dict[str, float] = {}

    def summary(self) -> str:
        """What is running and how far it got, e.g. ``filtering 40%``; empty when idle."""
        return " ".join(f"{what} {progress:.0%}" for what, progress in self._busy.items())

    async def run(self, what: str, steps: Iterator[float]) -> bool:
        """Drive a chunked generator, yielding to the UI between chunks; False if cancelled."""
        shown = 0.0
        try:
            for progress in steps:
                self._busy[what] = progress
                # The status bar's progress at most ten times a second: each change is a
                # frame, and frames took a third of a search over 200 MiB.
                if (now := time.monotonic()) - shown >= 0.1:
                    shown = now
                    self._refresh()
                await asyncio.sleep(0)
        except asyncio.CancelledError:
            if hasattr(steps, "close"):
                steps.close()
            self._busy.pop(what, None)
            raise
        self._busy.pop(what, None)
        self._refresh()
        return True
