"""Rows a scroll only moved keep their finished strips (ui/shifted_rows.py): the pane the user
sees always equals a fresh drawing of it, while a followed log restyles only its new rows."""

from __future__ import annotations

from support import Feeds, lines, settled, until
from textual._styles_cache import StylesCache
from textual.geometry import Region
from textual.strip import Strip

from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.log_pane import LogPane
from logtail_tui.ui.shifted_rows import ShiftedRows


class Drawn:
    """The pane's rows as the screen last took them."""

    def __init__(self, pane: LogPane) -> None:
        self.frames: list[list[Strip]] = []
        real = pane.render_lines

        def kept(crop: Region) -> list[Strip]:
            strips = real(crop)
            self.frames.append(strips)
            return strips

        pane.render_lines = kept  # type: ignore[method-assign]


def fresh(pane: LogPane) -> list[Strip]:
    """The pane's rows drawn with nothing kept from before, leaving what it keeps alone (so
    the next frame still takes rows back from the one before)."""
    kept = pane._shifted, pane._styles_cache
    pane._shifted, pane._styles_cache = ShiftedRows(), StylesCache()
    try:
        return LogPane.render_lines(pane, Region(0, 0, *pane.region.size))
    finally:
        pane._shifted, pane._styles_cache = kept


async def step(app: LogtailApp, drawn: Drawn, pilot: object, change: object) -> None:
    """Make ``change`` (an awaitable), wait for the frame it brings, and compare."""
    before = len(drawn.frames)
    await change  # type: ignore[misc]
    await until(lambda: len(drawn.frames) > before)
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    shown = drawn.frames[-1]
    assert [s.text for s in shown] == [s.text for s in fresh(app.pane)]
    assert shown == fresh(app.pane)  # styles too: a highlight, the cursor, the theme


async def test_the_pane_always_shows_what_a_fresh_drawing_would() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]
    async with app.run_test(size=(120, 30)) as pilot:
        total = 80
        await feeds[0].put(lines(*(f"line {i} GET /api {i % 7}" for i in range(total))))
        await until(lambda: app.store.received == total)
        await settled(app)
        pane = app.pane
        drawn = Drawn(pane)
        height = pane.region.height

        async def add(*texts: str) -> None:
            nonlocal total
            total += len(texts)
            await feeds[0].put(lines(*texts))
            await until(lambda: app.store.received == total)

        reused = pane._shifted.reused
        await step(app, drawn, pilot, add("one more line"))
        # Followed: every row but the new one (and the one the thumb may cross) came back.
        assert pane._shifted.reused - reused >= height - 2
        await step(app, drawn, pilot, add("a", "b", "c"))
        await step(app, drawn, pilot, pilot.press("slash", *"api 3", "enter"))  # highlights
        assert not pane.following  # the search jumped to a match and paused
        await step(app, drawn, pilot, add("line api 3 while paused"))  # rows stay put
        await step(app, drawn, pilot, pilot.press("up"))  # the cursor row changes
        await step(app, drawn, pilot, pilot.press("G"))  # follow again: a long jump
        await step(app, drawn, pilot, add(*(f"burst {i}" for i in range(height + 5))))
        await step(app, drawn, pilot, add("x" * 300))  # wide enough to scroll sideways
        await step(app, drawn, pilot, _sideways_then_one_row(pane))
        await step(app, drawn, pilot, pilot.press("escape", "slash", "ctrl+u", "enter"))
        theme = "textual-light" if app.theme != "textual-light" else "textual-dark"
        await step(app, drawn, pilot, _set_theme(app, theme))
        await step(app, drawn, pilot, add("after the theme"))


async def _set_theme(app: LogtailApp, theme: str) -> None:
    app.theme = theme


async def _sideways_then_one_row(pane: LogPane) -> None:
    """Scroll sideways, then have one row drawn before the frame, as Textual does for the
    row under the mouse: the other rows are dirty with their old finished strips."""
    pane.scroll_to(x=20, animate=False, immediate=True, force=True)
    pane.render_lines(Region(0, 2, pane.region.width, 1))
