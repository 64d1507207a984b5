"""Record times keep their zone offset in the pane, shown in one zone (UTC with --utc)."""

from __future__ import annotations

from support import Feeds, until

from logtail_tui.core.record import Batch, Level
from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp


def screen_text(app: LogtailApp) -> str:
    pane = app.pane
    return "\n".join(pane.render_line(y).text for y in range(pane.scrollable_content_region.height))


async def test_offsets_are_kept_and_converted_with_utc() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(utc=True), feeds.factory)
    async with app.run_test(size=(100, 10)) as pilot:
        batch = Batch(["db down"], [Level.ERROR], ["2026-12-01T02:31:38.123+01:00"], ["{}"])
        await feeds[0].put(batch)
        await until(lambda: app.store.received == 1)
        await pilot.pause()
        line = screen_text(app).splitlines()[0]
        assert line.startswith("2026-12-01T01:31:38.123Z ") and line.split()[1:4] == [
            "ERROR",
            "db",
            "down",
        ]


async def test_structured_records_show_their_level_word_and_v_hides_it() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(utc=True), feeds.factory)
    async with app.run_test(size=(100, 10)) as pilot:
        batch = Batch(
            ["db down", "2026 WARN text line"],
            [Level.WARNING, Level.WARNING],
            ["2026-12-01T02:31:38Z", None],
            ['{"level":"warn","msg":"db down"}', None],
        )
        await feeds[0].put(batch)
        await until(lambda: app.store.received == 2)
        await pilot.pause()
        shown = screen_text(app).splitlines()
        assert shown[0].split()[1:4] == ["WARN", "db", "down"]
        assert shown[1].startswith("2026 WARN text line")  # text lines carry theirs inline
        await pilot.press("v")
        await pilot.pause()
        assert screen_text(app).splitlines()[0].split()[1:3] == ["db", "down"]
