"""Actions on the selected line or the whole view: detail, copy, save, clear, e / E."""

from __future__ import annotations

import asyncio
from pathlib import Path

from logtail_tui.core.record import Level
from logtail_tui.ui.detail_screen import DetailScreen
from logtail_tui.ui.host import Host
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
        start = cursor if cursor is not None else (len(app.view) if backwards else -1)
        found = app.view.find_level(start, Level.ERROR, backwards=backwards)
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
        label = app.specs[app.store.source(number)].label
        app.push_screen(DetailScreen(app.store.record(number), label, number + 1))

    def copy(self) -> None:
        app = self.app
        number = app.pane.selected_number()
        if number is None:
            return
        text = app.store.raw(number) or app.store.text(number)
        app.copy_to_clipboard(text)
        app.notify(
            f"Copied line {number + 1:,} ({len(text):,} characters).", timeout=1.5, markup=False
        )

    # -- the whole view -----------------------------------------------------------------
    def save(self) -> None:
        self.app.push_screen(SaveScreen(), self._save_to)

    def _save_to(self, path: str | None) -> None:
        if path is None:
            return
        store = self.app.store
        first = store.first
        # Snapshot now (cheap list of str), write off the UI thread.
        raws = store.raw_column()
        texts = store.texts
        lines = [
            (raws[n - first] if raws is not None else None) or texts[n - first]
            for n in self.app.view
        ]
        self.app.run_worker(self._write(Path(path), lines), group="save")

    async def _write(self, path: Path, lines: list[str]) -> None:
        def write() -> None:
            with path.open("w", encoding="utf-8", errors="replace") as f:
                f.write("\n".join(lines))
                if lines:
                    f.write("\n")

        try:
            await asyncio.to_thread(write)
        except OSError as exc:
            self.app.notify(
                f"Could not write {path}: {exc.strerror or exc}.", severity="error", markup=False
            )
            return
        self.app.notify(f"Wrote {len(lines):,} lines to {path}.", title="Saved", markup=False)

    def clear(self) -> None:
        app = self.app
        app.flush_now()
        count = app.store.clear()
        app.pane.sync()
        app.pane.reset()
        self.search.after_sync()
        app.refresh_status()
        app.notify(f"Cleared {count:,} lines.", timeout=1.5, markup=False)
