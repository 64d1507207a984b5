"""The timeline strip (T): buckets by level over the whole scrollback, the view's position,
clicks and [ ] moving the view; and the detail view showing a text line's parsed time."""

from __future__ import annotations

from support import Feeds, lines, until

from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.detail_screen import DetailScreen
from logtail_tui.ui.timeline import Timeline

WIDTH = 60


def fixture() -> list[str]:
    """Ten minutes of INFO lines; warnings in minute 4; errors from minute 7 on (with a
    stack line that has no time of its own)."""
    out = []
    for minute in range(10):
        for second in range(0, 60, 10):
            level = "ERROR" if minute >= 7 else "WARN" if minute == 4 else "INFO"
            out.append(f"2026-12-01T10:{minute:02d}:{second:02d}Z {level} job m{minute} s{second}")
            if level == "ERROR":
                out.append("    at com.example.Job.run(Job.java:42)")
    return out


def make_app(feeds: Feeds) -> LogtailApp:
    return LogtailApp(feeds.specs, Settings(utc=True), feeds.factory)  # type: ignore[arg-type]


async def loaded(app: LogtailApp, feeds: Feeds, texts: list[str]) -> Timeline:
    await feeds[0].put(lines(*texts))
    await until(lambda: app.store.received >= len(texts))
    return app.timeline


def kinds(timeline: Timeline) -> list[str]:
    """Per column: '.' empty, 'i' plain, 'w' warning, 'e' error."""
    return [
        "." if not b.total else "e" if b.errors else "w" if b.warnings else "i"
        for b in timeline.buckets()
    ]


async def test_t_toggles_the_strip_and_buckets_are_coloured_by_level() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        timeline = await loaded(app, feeds, fixture())
        assert not timeline.display or not timeline.shown
        await pilot.press("T")
        assert timeline.shown and timeline.size.width == WIDTH
        await until(lambda: not timeline.index.stale and timeline.index.slots)
        got = kinds(timeline)
        # The span is 10:00:00 .. 10:09:51: a column is ~10 s, six of them per minute.
        assert got[0] == "i" and got[-1] == "e"
        first_warn, first_error = got.index("w"), got.index("e")
        assert 23 <= first_warn <= 25 and 41 <= first_error <= 43
        assert "e" not in got[:first_error] and set(got[first_error:]) <= {"e", "."}
        assert sum(b.total for b in timeline.buckets()) == len(fixture())
        # Drawn: red for errors, yellow for warnings, times of the span below.
        bars, axis = timeline.render().split("\n")
        def colour(column: int) -> object:
            return next(span.style.color for span in bars.spans if span.start == column)  # type: ignore[union-attr]

        error = timeline.get_component_rich_style("timeline--error").color
        warning = timeline.get_component_rich_style("timeline--warning").color
        assert error != warning
        assert colour(first_error) == error and colour(len(got) - 1) == error
        assert colour(first_warn) == warning and colour(0) not in (error, warning)
        assert axis.plain.startswith("10:00:00") and axis.plain.rstrip().endswith("10:09:51")
        await pilot.press("T")
        assert not timeline.shown


async def test_clicking_a_bucket_and_brackets_move_the_view() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    texts = fixture()
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        timeline = await loaded(app, feeds, texts)
        await pilot.press("T")
        await until(lambda: not timeline.index.stale and timeline.index.slots)
        first_error = kinds(timeline).index("e")
        await pilot.click(Timeline, offset=(first_error, 0))
        assert not app.pane.following
        selected = app.pane.selected_number()
        assert selected is not None
        assert app.store.text(selected) == "2026-12-01T10:07:00Z ERROR job m7 s0"
        await until(lambda: timeline._here == first_error)
        # [ goes back to the bucket before (the last one of minute 6), ] forward again.
        await pilot.press("left_square_bracket")
        number = app.pane.selected_number()
        assert number is not None and app.store.text(number).startswith("2026-12-01T10:06:5")
        await pilot.press("right_square_bracket")
        assert app.pane.selected_number() == selected
        await pilot.press("g")  # the top: the marker follows the view
        await until(lambda: timeline._here == 0)


async def test_new_lines_are_counted_incrementally() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(WIDTH, 24)) as pilot:
        timeline = await loaded(app, feeds, fixture()[:10])
        await pilot.press("T")
        await until(lambda: not timeline.index.stale and timeline.index.slots)
        assert "e" not in kinds(timeline)
        counted = timeline.index.hi
        await feeds[0].put(lines("2026-12-01T10:20:00Z CRITICAL disk gone"))
        await until(lambda: not timeline.index.stale and timeline.index.hi == counted + 1)
        assert timeline.index.lo == app.store.first  # nothing counted twice or again
        assert kinds(timeline)[-1] == "e"
        assert sum(b.total for b in timeline.buckets()) == 11


async def test_detail_shows_the_parsed_time_of_a_text_line() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(100, 30)) as pilot:
        await loaded(app, feeds, ["Dec  1 02:35:16 host sshd[1]: accepted", "no time at all"])
        await pilot.press("k", "enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.parsed_time is not None and app.screen.parsed_time.endswith("Z")
        assert "T" in app.screen.parsed_time and ":35:16" in app.screen.parsed_time
        await pilot.press("escape", "j", "enter")
        assert isinstance(app.screen, DetailScreen) and app.screen.parsed_time is None
