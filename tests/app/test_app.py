"""Pilot tests of the real app: following, pausing, resuming, status, help, quit."""

from __future__ import annotations

import io

from rich.console import Console
from support import Feeds, lines, settled, until
from textual import events
from textual.widgets import Static

from logtail_tui.core.record import Level
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import SourceSpec, State, StateChanged
from logtail_tui.ui import keymap
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.help_screen import HelpScreen


def make_app(feeds: Feeds, **settings: object) -> LogtailApp:
    return LogtailApp(feeds.specs, Settings(**settings), feeds.factory)  # type: ignore[arg-type]


def screen_text(app: LogtailApp) -> str:
    pane = app.pane
    return "\n".join(pane.render_line(y).text for y in range(pane.scrollable_content_region.height))


async def test_follows_new_lines_to_the_bottom() -> None:
    """New lines while following move the scroll range and the scrollbar's thumb only: no
    layout, which would redraw the whole screen at each line."""
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(100, 20)) as pilot:
        await feeds[0].put(lines(*(f"line {i}" for i in range(200))))
        await until(lambda: app.store.received == 200)
        await pilot.pause()
        assert app.pane.following
        assert app.pane.scroll_offset.y == app.pane.max_scroll_y > 0
        assert "line 199" in screen_text(app)
        assert "line 0\n" not in screen_text(app)
        await settled(app)
        layouts = 0
        real = app.screen._refresh_layout

        def counted(*args: object, **kwargs: object) -> None:
            nonlocal layouts
            layouts += 1
            real(*args, **kwargs)  # type: ignore[arg-type]

        app.screen._refresh_layout = counted  # type: ignore[method-assign]
        for k in range(5):
            await feeds[0].put(lines(f"newest {k}"))
            await until(lambda k=k: app.store.received == 201 + k)
            await pilot.pause()
            assert screen_text(app).rstrip().endswith(f"newest {k}")
        pane = app.pane
        assert pane.virtual_size.height == len(pane.view) == 205
        assert pane.vertical_scrollbar.window_virtual_size == 205
        height = pane.scrollable_content_region.height
        assert pane.scroll_offset.y == pane.max_scroll_y == 205 - height
        assert layouts == 0


async def test_pause_keeps_view_steady_and_counts_new_lines() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(100, 20)) as pilot:
        await feeds[0].put(lines(*(f"line {i}" for i in range(100))))
        await until(lambda: app.store.received == 100)
        await pilot.press("space")
        assert not app.pane.following
        before = screen_text(app)
        y = app.pane.scroll_offset.y
        await feeds[0].put(lines(*(f"more {i}" for i in range(50))))
        await until(lambda: app.store.received == 150)
        await pilot.pause()
        assert app.pane.scroll_offset.y == y
        assert screen_text(app) == before
        assert app.pane.new_while_paused == 50
        assert "PAUSED" in app.status.plain_text() and "+50 new" in app.status.plain_text()
        await pilot.press("end")
        assert app.pane.following
        await pilot.pause()
        assert "more 49" in screen_text(app)
        assert "FOLLOW" in app.status.plain_text()


async def test_space_resumes_and_g_key_follows() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(80, 12)) as pilot:
        await feeds[0].put(lines(*(f"l{i}" for i in range(40))))
        await until(lambda: app.store.received == 40)
        await pilot.press("space")
        assert not app.pane.following
        await pilot.press("space")
        assert app.pane.following
        await pilot.press("g")  # oldest line pauses
        assert not app.pane.following and app.pane.scroll_offset.y == 0
        await pilot.press("G")
        assert app.pane.following


async def test_scrolling_up_pauses_and_paused_view_survives_eviction() -> None:
    feeds = Feeds(1)
    app = make_app(feeds, max_lines=300)
    async with app.run_test(size=(80, 12)) as pilot:
        await feeds[0].put(lines(*(f"a{i}" for i in range(200))))
        await until(lambda: app.store.received == 200)
        await pilot.press("pageup")
        assert not app.pane.following
        top = app.pane.view[round(app.pane.scroll_offset.y)]
        # 250 more lines evict 150 old ones; the lines on screen must stay on screen.
        await feeds[0].put(lines(*(f"b{i}" for i in range(250))))
        await until(lambda: app.store.received == 450)
        await pilot.pause()
        assert app.store.evicted == 150
        assert app.pane.view[round(app.pane.scroll_offset.y)] == top
        assert "evicted" in app.status.plain_text()


async def test_mouse_wheel_up_pauses() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(80, 12)) as pilot:
        await feeds[0].put(lines(*(f"w{i}" for i in range(100))))
        await until(lambda: app.store.received == 100)
        await pilot.pause()
        y = app.pane.scroll_offset.y
        # Pilot has no wheel helper: deliver the terminal's wheel event to the pane.
        app.pane.post_message(events.MouseScrollUp(app.pane, 5, 5, 0, -1, 0, False, False, False))
        await until(lambda: not app.pane.following)
        await pilot.pause()
        assert app.pane.scroll_offset.y < y


async def test_wheeling_back_to_the_bottom_follows_again() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(80, 12)) as pilot:
        await feeds[0].put(lines(*(f"w{i}" for i in range(100))))
        await until(lambda: app.store.received == 100)
        await pilot.pause()
        pane = app.pane
        for _ in range(3):
            pane.post_message(events.MouseScrollUp(pane, 5, 5, 0, -1, 0, False, False, False))
        await until(lambda: not pane.following)
        await pilot.pause()
        assert pane.scroll_offset.y < pane.max_scroll_y
        for _ in range(50):
            if pane.following:
                break
            # Short of the bottom the view stays paused.
            assert pane.scroll_offset.y < pane.max_scroll_y
            pane.post_message(events.MouseScrollDown(pane, 5, 5, 0, 1, 0, False, False, False))
            await pilot.pause()
        assert pane.following and pane.scroll_offset.y == pane.max_scroll_y


async def test_clear_forgets_the_new_lines_count() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(80, 12)) as pilot:
        await feeds[0].put(lines(*(f"a{i}" for i in range(30))))
        await until(lambda: app.store.received == 30)
        await pilot.press("space")
        await feeds[0].put(lines(*(f"b{i}" for i in range(19))))
        await until(lambda: app.store.received == 49)
        await pilot.pause()
        assert app.pane.new_while_paused == 19
        await pilot.press("c")
        assert app.pane.new_while_paused == 0 and "new" not in app.status.plain_text()


async def test_level_colouring_uses_component_classes() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(80, 10)) as pilot:
        await feeds[0].put(lines("2026-01-01 ERROR boom", "2026-01-01 INFO fine"))
        await until(lambda: app.store.received == 2)
        await pilot.pause()
        assert list(app.store.levels_between(0, 2)) == [Level.ERROR, Level.INFO]
        error_style = app.pane.get_component_rich_style("log-pane--error")
        strip = app.pane._full_strip(app.store.first)
        assert any(seg.style and seg.style.color == error_style.color for seg in strip)
        assert error_style.color is not None


async def test_status_bar_shows_source_states() -> None:
    feeds = Feeds(2)
    app = make_app(feeds)
    async with app.run_test(size=(160, 10)) as pilot:
        await until(lambda: "live" in app.status.plain_text())
        await feeds[1].put(StateChanged(State.RETRYING, "503 Service Unavailable", 4.0, 3))
        await until(lambda: "retrying" in app.status.plain_text())
        assert "attempt 3: 503 Service Unavailable" in app.status.plain_text()
        await feeds[0].put(StateChanged(State.FAILED, "No such file: x.log; check the path"))
        await until(lambda: "failed: No such file" in app.status.plain_text())
        await pilot.pause()
        await feeds[0].put(lines("x"))  # a failed source's queue is no longer read
        await feeds[1].put(lines("from one"))
        await until(lambda: app.store.received == 1)
        assert "1 received" in app.status.plain_text()


async def test_waiting_state_is_shown() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 10)):
        await feeds[0].put(StateChanged(State.WAITING, "waiting for app.log to appear"))
        await until(lambda: "waiting for app.log to appear" in app.status.plain_text())


async def test_help_lists_every_key_by_task_and_closes() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True, file=io.StringIO())
        for static in app.screen.query(Static):
            console.print(static.content)
        shown = console.export_text()
        for group in keymap.GROUPS:
            assert group in shown
        for key in ("space", "/", "f", "e", "E", "enter", "ctrl+s", "y", "q", "w", "t", "c", "l"):
            assert f"{key} " in shown or f"{key}," in shown, key
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_q_quits_with_status_0_or_1_when_a_source_failed() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test() as pilot:
        await pilot.press("q")
    assert app.return_value == 0
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test() as pilot:
        await feeds[0].put(StateChanged(State.FAILED, "401"))
        await until(lambda: app.hub.failed)
        await pilot.press("q")
    assert app.return_value == 1


async def test_hostile_content_never_reaches_the_terminal_raw() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 10)) as pilot:
        await feeds[0].put(
            lines("\x1b]0;pwned\x07title \x1b[2J\x1b[H clear \x00nul \x07bell [bold]markup[/bold]")
        )
        await until(lambda: app.store.received == 1)
        await pilot.pause()
        text = screen_text(app)
        assert "\x1b" not in text and "\x07" not in text and "\x00" not in text
        assert "[bold]markup[/bold]" in text


async def test_each_source_tag_has_its_own_colour() -> None:
    feeds = Feeds(3)
    app = make_app(feeds)
    async with app.run_test(size=(80, 12)) as pilot:
        for k in range(3):
            await feeds[k].put(lines(f"from {k}"))
        await until(lambda: app.store.received == 3)
        await pilot.pause()
        styles = []
        for n in range(3):
            strip = app.pane._full_strip(n)
            tag = next(seg for seg in strip if seg.text.startswith("["))
            styles.append(tag.style.color)
        assert len(set(styles)) == 3


async def test_at_80_columns_the_filter_and_search_indicators_stay_visible() -> None:
    feeds = Feeds(1)
    long = "cmd:kubectl logs -f deploy/api-gateway --all-containers"
    feeds.specs[0] = SourceSpec(long, "cmd", long[4:], long)
    app = make_app(feeds, level=Level.WARNING, search="timeout")
    async with app.run_test(size=(80, 12)) as pilot:
        await feeds[0].put(lines(*(f"2026 ERROR timeout {i}" for i in range(30))))
        await until(lambda: app.store.received == 30)
        await until(lambda: "30 matches" in app.status.plain_text())
        await pilot.pause()
        status = app.status
        visible = status.render().plain[: status.size.width]
        assert len(status.render().plain) > status.size.width  # the bar really is cut
        assert "level>=warn" in visible and "search 30 matches" in visible


async def test_a_narrow_status_bar_ends_in_an_ellipsis() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(40, 10)) as pilot:
        await feeds[0].put(lines("x"))
        await until(lambda: app.store.received == 1)
        await pilot.pause()
        strip = app.status.render_line(0)
        assert strip.cell_length == 40
        assert strip.text.startswith(" FOLLOW ")
        assert strip.text.endswith("…")
        assert len(app.status.plain_text()) > 40
