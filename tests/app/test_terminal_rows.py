"""The terminal scrolls the pane (ui/terminal_rows.py): what the scroll-region writes leave on
a terminal (pyte, a VT100 emulator) equals what Textual's own updates leave, frame by frame,
for the real app's updates, while a followed log sends a fraction of the bytes."""

from __future__ import annotations

import pyte
from support import Feeds, lines, until
from textual.screen import Screen

from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.terminal_rows import TerminalRows, pane_lines

SIZE = (100, 30)


class Terminals:
    """Two emulated terminals: one takes Textual's updates, one what `TerminalRows` sends."""

    def __init__(self, app: LogtailApp) -> None:
        self.app, self.rows = app, TerminalRows()
        self.screens = [pyte.Screen(*SIZE), pyte.Screen(*SIZE)]
        self.streams = [pyte.Stream(screen) for screen in self.screens]
        self.sent = [0, 0]
        self.frames = 0
        app._display = self.display  # type: ignore[method-assign]

    def display(self, screen: Screen, update: object) -> None:
        if update is None or screen is not self.app.screen:
            return
        console = self.app.console
        textual = update.render_segments(console)  # type: ignore[attr-defined]
        cuts = screen._compositor.cuts
        ours = self.rows.update(update, console, cuts, pane_lines(self.app.pane, screen))  # type: ignore[arg-type]
        for i, text in enumerate((textual, ours.render_segments(console))):
            self.streams[i].feed(text)
            self.sent[i] += len(text.encode())
        self.frames += 1
        shown = [_cells(s) for s in self.screens]
        assert shown[1] == shown[0], f"frame {self.frames}: the screens differ"


def _cells(screen: pyte.Screen) -> list[list[tuple[object, ...]]]:
    return [[tuple(screen.buffer[y][x]) for x in range(screen.columns)] for y in range(screen.lines)]


async def test_scrolled_writes_leave_the_screen_textual_meant() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]
    async with app.run_test(size=SIZE) as pilot:
        terminals = Terminals(app)
        app.refresh(layout=True)  # a full update first: the rows are known from it
        await until(lambda: terminals.frames > 0)
        total = 0

        async def add(*texts: str) -> None:
            nonlocal total
            total += len(texts)
            frames = terminals.frames
            await feeds[0].put(lines(*texts))
            await until(lambda: app.store.received == total and terminals.frames > frames)
            await pilot.pause()

        await add(*(f"line {i} GET /api {i % 7}" for i in range(5)))  # not full yet
        await add(*(f"line {i} ERROR x" if i % 9 == 0 else f"line {i}" for i in range(60)))
        sent, scrolls = list(terminals.sent), terminals.rows.scrolls
        for i in range(10):  # followed: one line a frame
            await add(f"appended {i} WARN disk" if i % 3 else f"appended {i}")
        assert terminals.rows.scrolls - scrolls >= 8
        textual, ours = (now - then for now, then in zip(terminals.sent, sent, strict=True))
        assert ours * 4 < textual, (ours, textual)
        await add(*(f"burst {i}" for i in range(7)))  # several lines in one frame
        await add("x" * 300)  # a horizontal scrollbar appears
        for keys in (("slash", *"api 3", "enter"), ("up", "up"), ("space",), ("G",)):
            await pilot.press(*keys)
            await pilot.pause()
        await add("after the keys")
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        await add("after the theme")
        await pilot.press("question_mark")  # another screen on top, then back
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        await pilot.resize_terminal(90, 24)
        await pilot.pause()
        await add("after the resize")
        assert terminals.frames > 20
