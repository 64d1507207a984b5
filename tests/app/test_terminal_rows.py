"""The terminal scrolls the pane (ui/terminal_rows.py): what the app sends leaves on a
terminal (pyte, a VT100 emulator) what Textual's own updates leave, frame by frame, while a
followed log sends a fraction of the bytes; damage from others' output is repaired."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pyte
import pytest
from support import Feeds, lines, until
from textual.screen import Screen

from logtail_tui.core.settings import Settings
from logtail_tui.ui import app as app_module
from logtail_tui.ui import terminal_rows
from logtail_tui.ui.app import LogtailApp

SIZE = (100, 30)


class OnTerminal(LogtailApp):
    """The app as on a real terminal (`App._display` writes), its driver writing to pyte."""

    @property
    def is_headless(self) -> bool:
        return False


class Terminals:
    """Two emulated terminals: one takes Textual's own updates, one what the app sends."""

    def __init__(self, app: LogtailApp, monkeypatch: pytest.MonkeyPatch) -> None:
        self.app = app
        self.screens = [pyte.Screen(*SIZE), pyte.Screen(*SIZE)]
        self.streams = [pyte.Stream(screen) for screen in self.screens]
        self.sent = [0, 0]
        self.frames = 0
        self.connected = False
        real = terminal_rows.to_send

        def to_send(app: LogtailApp, rows: object, screen: Screen, update: object, pane: object):  # type: ignore[no-untyped-def]
            live = self.connected and app._running and screen is app.screen
            if live and hasattr(update, "render_segments"):
                self._feed(0, update.render_segments(app.console))  # type: ignore[union-attr]
            return real(app, rows, screen, update, pane)  # type: ignore[arg-type]

        monkeypatch.setattr(app_module, "to_send", to_send)
        monkeypatch.setattr(app, "post_display_hook", self._compare)

    def connect(self) -> None:
        """From now on (frames before went nowhere): the next frame is a full one."""
        self.app._driver.write = lambda data: self._feed(1, data)  # type: ignore[method-assign,union-attr]
        self.connected = True
        self.app.action_redraw()

    def _feed(self, i: int, text: str) -> None:
        self.streams[i].feed(text)
        self.sent[i] += len(text.encode())

    def _compare(self) -> None:
        if not self.connected:
            return
        self.frames += 1
        assert self.cells(1) == self.cells(0), f"frame {self.frames}: the screens differ"

    def cells(self, i: int) -> list[list[tuple[object, ...]]]:
        screen = self.screens[i]
        return [[tuple(screen.buffer[y][x]) for x in range(SIZE[0])] for y in range(SIZE[1])]

    def damage(self, clear: bool = True) -> None:
        """Others' output breaks into the app's terminal: a cleared screen, a stray line."""
        self.streams[1].feed(("\x1b[2J" if clear else "") + "\x1b[5;3Hwall: system going down")
        assert self.cells(1) != self.cells(0)


async def _running(
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[OnTerminal, Terminals, Feeds]:
    feeds = Feeds(1)
    app = OnTerminal(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]
    return app, Terminals(app, monkeypatch), feeds


def _adder(app: LogtailApp, terminals: Terminals, feeds: Feeds, pilot: object) -> Callable[..., Awaitable[None]]:
    total = 0

    async def add(*texts: str) -> None:
        nonlocal total
        total += len(texts)
        frames = terminals.frames
        await feeds[0].put(lines(*texts))
        await until(lambda: app.store.received == total and terminals.frames > frames)
        await pilot.pause()  # type: ignore[attr-defined]

    return add


async def test_scrolled_writes_leave_the_screen_textual_meant(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app, terminals, feeds = await _running(monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        terminals.connect()
        await until(lambda: terminals.frames > 0)
        add = _adder(app, terminals, feeds, pilot)
        await add(*(f"line {i} GET /api {i % 7}" for i in range(5)))  # not full yet
        await add(*(f"line {i} ERROR x" if i % 9 == 0 else f"line {i}" for i in range(60)))
        sent, scrolls = list(terminals.sent), app.terminal_rows.scrolls
        for i in range(10):  # followed: one line a frame
            await add(f"appended {i} WARN disk" if i % 3 else f"appended {i}")
        assert app.terminal_rows.scrolls - scrolls >= 8
        textual, ours = (now - then for now, then in zip(terminals.sent, sent, strict=True))
        assert ours * 4 < textual, (ours, textual)
        await add(*(f"burst {i}" for i in range(terminal_rows.MAX_SHIFT + 3)))  # a long move
        await add("x" * 300)  # a horizontal scrollbar appears: the rows' cuts move
        for keys in (("slash", *"api 3", "enter"), ("up", "up"), ("space",), ("G",)):
            await pilot.press(*keys)
            await pilot.pause()
        await add("after the keys")
        app.theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await pilot.pause()
        await add("after the theme")
        await pilot.press("question_mark")  # another screen on top, then back
        await pilot.pause()
        await add("under the help")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.resize_terminal(90, 24)
        await pilot.pause()
        await add("after the resize")
        assert terminals.frames > 20


async def test_others_output_is_repaired(monkeypatch: pytest.MonkeyPatch) -> None:
    app, terminals, feeds = await _running(monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        terminals.connect()
        await until(lambda: terminals.frames > 0)
        add = _adder(app, terminals, feeds, pilot)
        await add(*(f"line {i}" for i in range(60)))
        await add("known rows")

        async def repaired(how: Callable[[], object]) -> None:
            terminals.damage()
            frames = terminals.frames
            how()
            await until(lambda: terminals.frames > frames)  # each frame compares the screens
            await add("and still following")

        await repaired(app.action_redraw)  # Ctrl+L, as in less
        await repaired(lambda: app.app_resume_signal.publish(app))  # back from Ctrl+Z
        # Left alone, a stray line in the pane lasts until the rows are forgotten; then the
        # next frame rewrites the rows that moved, as Textual's own writes did at every frame.
        app.terminal_rows.learnt_at -= terminal_rows.HEAL_AFTER + 1
        terminals.damage(clear=False)
        await add("healed by the next frame")


async def test_ctrl_l_redraws(monkeypatch: pytest.MonkeyPatch) -> None:
    app, terminals, _ = await _running(monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        terminals.connect()
        await until(lambda: terminals.frames > 0)
        app.terminal_rows.forget()
        frames = terminals.frames
        await pilot.press("ctrl+l")
        await until(lambda: terminals.frames > frames)
        assert app.terminal_rows.rows and all(row is not None for row in app.terminal_rows.rows)
