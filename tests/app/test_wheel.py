"""The mouse wheel scrolls three lines a notch (like less and lnav) and pauses following."""

from __future__ import annotations

from support import Feeds, lines, until
from textual import events

from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp


async def test_one_notch_moves_three_lines() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]
    async with app.run_test(size=(80, 24)) as pilot:
        await feeds[0].put(lines(*[f"line {i}" for i in range(200)]))
        await until(lambda: app.store.received == 200)
        await pilot.pause()
        bottom = app.pane.scroll_offset.y
        assert bottom > 100
        await pilot._post_mouse_events([events.MouseScrollUp], app.pane, (5, 5))
        await until(lambda: app.pane.scroll_offset.y == bottom - 3)
        assert not app.pane.following
        await pilot._post_mouse_events([events.MouseScrollUp], app.pane, (5, 5), times=1)
        await until(lambda: app.pane.scroll_offset.y == bottom - 6)
        await pilot._post_mouse_events([events.MouseScrollDown], app.pane, (5, 5))
        await until(lambda: app.pane.scroll_offset.y == bottom - 3)
