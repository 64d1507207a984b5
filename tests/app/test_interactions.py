"""Pilot tests of filtering, search, navigation and line actions in the real app (issue #4)."""

from __future__ import annotations

import base64
from pathlib import Path

from support import Feeds, fill, settle, until

from logtail_tui.core.record import Level
from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.detail_screen import DetailScreen
from logtail_tui.ui.save_screen import SaveScreen
from logtail_tui.ui.source_screen import SourceScreen


def make_app(feeds: Feeds, **settings: object) -> LogtailApp:
    return LogtailApp(feeds.specs, Settings(**settings), feeds.factory)  # type: ignore[arg-type]


def visible_texts(app: LogtailApp) -> list[str]:
    return [app.store.text(n) for n in app.view]


MIXED = [
    "2026-01-01 INFO user alice logged in",
    "2026-01-01 DEBUG cache miss key=42",
    "2026-01-01 WARN disk 91% full",
    "2026-01-01 ERROR db timeout after 5s",
    "2026-01-01 INFO GET /healthz 200",
]


async def test_filter_bar_include_then_new_lines_only_matching(tmp_path: Path) -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, MIXED)
        await pilot.press("f")
        assert app.filter_bar.is_open
        await pilot.press(*"alice|db")
        await until(lambda: app.view.filter.include)
        await settle(app, pilot)
        assert visible_texts(app) == [MIXED[0], MIXED[3]]
        assert "3 hidden" in app.status.plain_text()
        await fill(app, feeds, ["INFO bob logged in", "INFO alice again", "ERROR db down"])
        await pilot.pause()
        assert visible_texts(app)[-2:] == ["INFO alice again", "ERROR db down"]
        assert len(app.view) == 4


async def test_invalid_regex_keeps_previous_filter() -> None:
    feeds = Feeds(1)
    app = make_app(feeds, include=("db",))
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, MIXED)
        await settle(app, pilot)
        assert visible_texts(app) == [MIXED[3]]
        await pilot.press("f")
        await pilot.press("end", *"(unclosed")
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert visible_texts(app) == [MIXED[3]]  # the previous filter stays
        error = app.filter_bar.query_one("#filter-error")
        assert "regex" in str(error.render()).lower()


async def test_clearing_the_filter_restores_everything() -> None:
    feeds = Feeds(1)
    app = make_app(feeds, level=Level.WARNING, exclude=("disk",))
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, MIXED)
        await settle(app, pilot)
        assert visible_texts(app) == [MIXED[3]]
        await pilot.press("f", "ctrl+l")
        await settle(app, pilot)
        assert visible_texts(app) == MIXED
        assert "hidden" not in app.status.plain_text()


async def test_l_cycles_minimum_level() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, MIXED)
        await pilot.press("l")  # debug
        await settle(app, pilot)
        assert len(app.view) == 5
        await pilot.press("l")  # info: the DEBUG line goes
        await settle(app, pilot)
        assert MIXED[1] not in visible_texts(app) and len(app.view) == 4
        await pilot.press("l", "l")  # warning, then error
        await settle(app, pilot)
        assert visible_texts(app) == [MIXED[3]]


async def test_search_n_reaches_far_match_and_wraps_with_counter() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    texts = [f"line {i} ordinary" for i in range(5000)]
    texts[10] = "line 10 has the NEEDLE inside"
    texts[4000] = "line 4000 has the needle too"
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, texts)
        await pilot.press("g")  # oldest line, paused
        await pilot.press("slash", *"needle", "enter")
        await settle(app, pilot)
        assert app.pane.cursor == 10
        assert "1/2" in app.status.plain_text()
        await pilot.press("n")
        await settle(app, pilot)
        assert app.pane.cursor == 4000  # far off-screen
        top = round(app.pane.scroll_offset.y)
        assert top <= 4000 < top + app.pane.scrollable_content_region.height
        assert "2/2" in app.status.plain_text()
        await pilot.press("n")  # wraps
        await settle(app, pilot)
        assert app.pane.cursor == 10
        await pilot.press("N")
        await settle(app, pilot)
        assert app.pane.cursor == 4000
        assert not app.pane.following


async def test_search_smart_case_and_regex_mid_line() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(
            app, feeds, ["alpha Beta gamma", "alpha beta gamma", "nothing here", "x id=123 y"]
        )
        await pilot.press("slash", *"Beta", "enter")  # capital: case-sensitive
        await settle(app, pilot)
        assert len(app.searching.index) == 1 and app.pane.cursor == 0
        await pilot.press("slash", "ctrl+u", *"beta", "enter")  # lower case: insensitive
        await settle(app, pilot)
        assert len(app.searching.index) == 2
        await pilot.press("slash", "ctrl+u", "ctrl+r", *r"id=\d+", "enter")  # regex, mid-line
        await settle(app, pilot)
        assert len(app.searching.index) == 1 and app.pane.cursor == 3


async def test_search_preset_from_command_line_highlights() -> None:
    feeds = Feeds(1)
    app = make_app(feeds, search="timeout")
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, MIXED)
        await settle(app, pilot)
        assert app.searching.index is not None and len(app.searching.index) == 1
        strip = app.pane._full_strip(app.store.first + 3)
        match_style = app.pane.get_component_rich_style("log-pane--match")
        assert any(seg.text == "timeout" and seg.style == match_style for seg in strip)


async def test_e_and_E_land_on_errors() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    texts = [f"INFO ok {i}" for i in range(300)]
    texts[50] = "ERROR first failure"
    texts[250] = "CRITICAL second failure"
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, texts)
        await pilot.press("g", "e")
        assert app.pane.cursor == 50
        await pilot.press("e")
        assert app.pane.cursor == 250
        await pilot.press("E")
        assert app.pane.cursor == 50


async def test_e_and_E_while_following_reach_the_newest_error_first() -> None:
    texts = [f"INFO ok {i}" for i in range(300)]
    texts[50] = "ERROR first failure"
    texts[250] = "ERROR second failure"
    for key in ("e", "E"):
        feeds = Feeds(1)
        app = make_app(feeds)
        async with app.run_test(size=(120, 30)) as pilot:
            await fill(app, feeds, texts)
            assert app.pane.following
            await pilot.press(key)
            assert app.pane.cursor == 250 and not app.pane.following
            await pilot.press("E")
            assert app.pane.cursor == 50


async def test_enter_opens_detail_of_selected_line() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await fill(app, feeds, ['{"level":"error","msg":"boom","user":"bob"}', "INFO plain"])
        await pilot.press("g")
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.record.text.startswith("boom")
        await pilot.press("escape")
        assert not isinstance(app.screen, DetailScreen)


async def test_y_copies_with_osc52_sequence() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, ["first", "second line to copy"])
        written: list[str] = []
        driver = app._driver  # the headless driver: capture what would reach the terminal
        assert driver is not None
        original = driver.write
        driver.write = lambda data: (written.append(data), original(data))[1]  # type: ignore[method-assign]
        await pilot.press("y")  # following: the newest line
        expected = base64.b64encode(b"second line to copy").decode()
        assert f"\x1b]52;c;{expected}\a" in written
        assert app.clipboard == "second line to copy"


async def test_ctrl_s_saves_exactly_the_filtered_lines(tmp_path: Path) -> None:
    feeds = Feeds(1)
    app = make_app(feeds, level=Level.WARNING)
    target = tmp_path / "saved.log"
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, MIXED)
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SaveScreen)
        await pilot.press("ctrl+u", *str(target), "enter")
        await until(lambda: target.exists() and target.stat().st_size > 0)
        await settle(app, pilot)
    assert target.read_text() == f"{MIXED[2]}\n{MIXED[3]}\n"


async def test_c_clears_and_counters_say_so() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, MIXED)
        await pilot.press("c")
        assert len(app.view) == 0
        assert "5 cleared" in app.status.plain_text()
        await fill(app, feeds, ["after clear"])
        await pilot.pause()
        assert visible_texts(app) == ["after clear"]


async def test_w_wraps_long_lines_and_t_hides_times() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(60, 20)) as pilot:
        long = "x" * 150 + " END"
        await fill(app, feeds, [long, '{"time":"2026-01-01T00:00:00Z","msg":"structured"}'])
        await pilot.pause()
        rows = [
            app.pane.render_line(y).text for y in range(app.pane.scrollable_content_region.height)
        ]
        assert not any("END" in r for r in rows)
        await pilot.press("w")
        await pilot.pause()
        rows = [
            app.pane.render_line(y).text for y in range(app.pane.scrollable_content_region.height)
        ]
        assert any("END" in r for r in rows)
        assert any(r.startswith("2026-01-01T00:00:00") for r in rows)
        await pilot.press("t")
        await pilot.pause()
        rows = [
            app.pane.render_line(y).text for y in range(app.pane.scrollable_content_region.height)
        ]
        assert any(r.startswith("structured") for r in rows)


async def test_s_chooses_one_source() -> None:
    feeds = Feeds(2)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, ["from zero"], 0)
        await fill(app, feeds, ["from one"], 1)
        await pilot.press("s")
        assert isinstance(app.screen, SourceScreen)
        await pilot.press("down", "down", "enter")  # All, mem0, mem1 -> mem1
        await settle(app, pilot)
        assert visible_texts(app) == ["from one"]
        await fill(app, feeds, ["zero again"], 0)
        await pilot.pause()
        assert visible_texts(app) == ["from one"]
        await pilot.press("s", "home", "enter")  # the picker opens on the current one; All is first
        await settle(app, pilot)
        assert visible_texts(app) == ["from zero", "from one", "zero again"]


async def test_every_action_is_in_help_and_palette() -> None:
    from logtail_tui.ui import keymap

    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)):
        titles = {command.title for command in app.get_system_commands(app.screen)}
    palette = [key for key in keymap.KEYS if key.palette]
    assert len(palette) >= 15
    for key in palette:
        assert key.palette in titles, key.action
    help_text = " ".join(what for _, rows in keymap.help_rows() for _, what in rows)
    for word in (
        "filter",
        "search",
        "error",
        "detail",
        "copy",
        "save",
        "clear",
        "wrap",
        "timestamps",
        "source",
    ):
        assert word in help_text


async def test_refilter_of_a_big_scrollback_keeps_answering_keys() -> None:
    feeds = Feeds(1)
    app = make_app(feeds, max_lines=400_000)
    app.FILTER_CHUNK = 2_000  # many chunks, so there are many turns for the UI in between
    texts = [f"2026-01-01 INFO request {i} served in 12ms" for i in range(400_000)]
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, texts)
        await pilot.pause()
        order: list[str] = []
        refilter = app.view.refilter

        def spy(new, chunk=65536):  # type: ignore[no-untyped-def]
            for progress in refilter(new, chunk):
                order.append("chunk")
                yield progress
            order.append("done")

        app.view.refilter = spy  # type: ignore[method-assign]
        toggle = app.pane.action_toggle_pause
        app.pane.action_toggle_pause = lambda: (order.append("key"), toggle())[1]  # type: ignore[method-assign]
        app.filtering.apply(app.view.filter.__class__.build(include=["request 3999"]))
        await until(lambda: "chunk" in order)
        await pilot.press("space")
        await settle(app, pilot)
        # The key was answered while chunks were still being filtered.
        assert "key" in order and order.index("key") < order.index("done")
        assert order[order.index("key") :].count("chunk") > 0
        assert not app.pane.following
        assert len(app.view) == 111  # 3999, 39990-39999, 399900-399999
        assert not app.work.summary()


async def test_a_paste_into_a_bar_shows_its_control_characters() -> None:
    """A pasted log line may hold escape sequences (an OSC retitles the terminal): the bars'
    inputs show them as ^[ and never draw them raw."""
    from textual import events
    from textual.widgets import Input

    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, MIXED)
        for key, input_id in (("f", "#filter-include"), ("/", "#search-input")):
            await pilot.press(key)
            box = app.screen.query_one(input_id, Input)
            await until(lambda box=box: box.has_focus)
            box.post_message(events.Paste("db\x1b]0;pwned\x07 x\nsecond line"))
            await until(lambda box=box: "db" in box.value)
            await pilot.pause()
            assert box.value == "db^[]0;pwned^G x"
            drawn = "".join(strip.text for strip in box.render_lines(box.size.region))
            assert "\x1b" not in drawn and "\x07" not in drawn and "^[" in drawn
            await pilot.press("escape")
            await pilot.pause()
