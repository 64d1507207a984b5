"""Actions on the selected line or the whole view: detail, copy, save, clear, e / E."""

from __future__ import annotations

import asyncio
from array import array
from pathlib import Path

from logtail_tui.core.record import Level
from logtail_tui.core.record_spans import record_range
from logtail_tui.core.times import format_epoch
from logtail_tui.ui.detail_screen import DetailScreen
from logtail_tui.ui.host import Host
from logtail_tui.ui.record_lines import export_record, whole_record
from logtail_tui.ui.save_screen import SaveScreen
from logtail_tui.ui.searching import SearchController


class LineActions:
    """What ``enter``, ``y``, ``ctrl+s``, ``c``, ``e`` and ``E`` do."""

    def __init__(self, app: Host, search: SearchController) -> None:
        self.app = app
        self.search = search

    # -- navigation ---------------------------------------------------------------------
    def _error(self, backwards: bool) -> None:
        app = self.app
        cursor = app.pane.cursor
        if cursor is None:
            # Following: the view is at the newest line, so both keys reach the newest error.
            cursor, backwards = len(app.view), True
        found = app.scrollback.find_level(cursor, Level.ERROR, backwards=backwards)
        if found is None:
            app.notify(
                f"No {'earlier' if backwards else 'later'} error.", timeout=1.5, markup=False
            )
            return
        app.pane.go_to(found)
        self.search.moved()

    def next_error(self) -> None:
        self._error(False)

    def previous_error(self) -> None:
        self._error(True)

    # -- the selected line --------------------------------------------------------------
    def detail(self) -> None:
        app = self.app
        number = app.pane.selected_number()
        if number is None:
            return
        lines, record = whole_record(app.store, number)  # a stack trace is one record
        label = app.specs[record.source].label
        line = app.scrollback.line_number(lines.start)
        epoch = app.store.time_of(lines.start) if record.time is None else None
        parsed = format_epoch(epoch, app.settings.utc) if epoch is not None else None
        app.push_screen(DetailScreen(record, label, line, parsed))

    def copy(self) -> None:
        app = self.app
        number = app.pane.selected_number()
        if number is None:
            return
        lines = record_range(app.store, number)
        text = export_record(app.store, lines)
        app.copy_to_clipboard(text)
        line = app.scrollback.line_number(lines.start)
        what = f"line {line:,}" if len(lines) == 1 else f"lines {line:,}-{line + len(lines) - 1:,}"
        app.notify(f"Copied {what} ({len(text):,} characters).", timeout=1.5, markup=False)

    # -- the whole view -----------------------------------------------------------------
    def save(self) -> None:
        self.app.push_screen(SaveScreen(), self._save_to)

    def _save_to(self, path: str | None) -> None:
        if path is None:
            return
        # Snapshot the view's numbers now (one array); lines are read chunk by chunk.
        numbers = array("q", self.app.view)
        self.app.run_worker(self._write(Path(path), numbers), group="save")

    async def _write(self, path: Path, numbers: array[int]) -> None:
        app = self.app
        store = app.store
        written = 0
        try:
            with path.open("w", encoding="utf-8", errors="replace") as f:
                for start in range(0, len(numbers), app.FILTER_CHUNK):
                    part = [n for n in numbers[start : start + app.FILTER_CHUNK] if n in store]
                    lines = list(map(store.export, part))
                    if lines:
                        await asyncio.to_thread(f.write, "\n".join(lines) + "\n")
                    written += len(lines)
                    await asyncio.sleep(0)
        except OSError as exc:
            app.notify(
                f"Could not write {path}: {exc.strerror or exc}.", severity="error", markup=False
            )
            return
        lost = len(numbers) - written
        note = f" ({lost:,} were evicted while saving)" if lost else ""
        app.notify(f"Wrote {written:,} lines to {path}{note}.", title="Saved", markup=False)

    def clear(self) -> None:
        app = self.app
        app.flush_now()
        count = app.scrollback.clear()
        app.pane.new_while_paused = 0  # nothing is new in an empty view
        app.pane.sync()
        app.pane.reset()
        self.search.after_sync()
        app.refresh_status()
        app.notify(f"Cleared {count:,} lines.", timeout=1.5, markup=False)
