"""Multi-line records in the TUI: filters keep or drop them whole, ``e``/``E`` step from
header to header, and detail, copy and save take the whole record."""

from __future__ import annotations

from pathlib import Path

from record_logs import JAVA, java_service
from support import Feeds, lines, until

from logtail_tui.cli import app_from_argv
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.parse import LineParser
from logtail_tui.core.sanitize import sanitize
from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.detail_screen import DetailScreen
from logtail_tui.ui.record_lines import MARK
from logtail_tui.ui.save_screen import SaveScreen

ORDER_8 = [sanitize(line) for line in JAVA[1:7]]
ORDER_10 = [sanitize(line) for line in JAVA[9:12]]


def make_app(feeds: Feeds, **settings: object) -> LogtailApp:
    return LogtailApp(feeds.specs, Settings(**settings), feeds.factory)  # type: ignore[arg-type]


def visible_texts(app: LogtailApp) -> list[str]:
    return [app.store.text(n) for n in app.view]


async def fill(app: LogtailApp, feeds: Feeds, texts: list[str]) -> None:
    target = app.store.received + len(texts)
    await feeds[0].put(lines(*texts))
    await until(lambda: app.store.received >= target)


async def settle(app: LogtailApp, pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_typing_a_filter_keeps_the_whole_failing_record() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, JAVA)
        await pilot.press("f", *"order 8")
        await until(lambda: app.view.filter.include)
        await settle(app, pilot)
        assert visible_texts(app) == ORDER_8


async def test_a_match_in_a_stack_line_keeps_its_header_and_exclude_drops_whole() -> None:
    feeds = Feeds(1)
    app = make_app(feeds, include=("IllegalArgument|NullPointer",), exclude=("order 8",))
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, JAVA)
        await settle(app, pilot)
        assert visible_texts(app) == ORDER_10


async def test_a_record_arriving_in_two_batches_is_decided_again_whole() -> None:
    for settings, shown_first, shown_last in (
        ({"include": ("order 8",)}, 3, ORDER_8),  # more lines of a shown record keep coming
        ({"exclude": ("no session",)}, 4, [sanitize(line) for line in JAVA[:1] + JAVA[7:]]),
    ):
        feeds = Feeds(1)
        app = make_app(feeds, **settings)
        async with app.run_test(size=(120, 30)) as pilot:
            parser = LineParser()  # one source: the record goes on across its batches
            await feeds[0].put(parser.parse(JAVA[:4]))
            await until(lambda app=app, n=shown_first: len(app.view) == n)
            await feeds[0].put(parser.parse(JAVA[4:]))
            await until(lambda app=app: app.store.received == len(JAVA))
            await settle(app, pilot)
            assert visible_texts(app) == shown_last


async def test_E_from_the_bottom_lands_on_the_newest_error_header() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, JAVA[:12])  # the newest record is an error with its trace
        assert app.pane.following
        await pilot.press("E")
        assert app.pane.cursor == 9  # "order 10 failed", not a line of its trace
        await pilot.press("E")
        assert app.pane.cursor == 1  # the header of order 8's record
        await pilot.press("e")
        assert app.pane.cursor == 9


async def test_e_and_E_step_by_record_from_inside_a_trace() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, JAVA)
        app.pane.go_to(4)  # a stack line of order 8
        await pilot.pause()
        await pilot.press("e")
        assert app.pane.cursor == 9  # past the rest of this record, to the next error
        app.pane.go_to(4)
        await pilot.pause()
        await pilot.press("E")
        assert app.pane.cursor == 1  # the record's own header


async def test_continuation_lines_are_drawn_with_the_record_mark() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, JAVA)
        await pilot.pause()
        first = app.store.first
        assert app.pane._full_strip(first + 3).text.startswith(MARK)
        assert not app.pane._full_strip(first + 1).text.startswith(MARK)


async def test_detail_and_copy_take_the_whole_record() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 40)) as pilot:
        await fill(app, feeds, JAVA)
        app.pane.go_to(4)
        await pilot.pause()
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.record.text == "\n".join(ORDER_8) and app.screen.number == 2
        await pilot.press("escape")
        await pilot.press("y")
        assert app.clipboard == "\n".join(ORDER_8)


async def test_save_of_a_filtered_view_writes_whole_records(tmp_path: Path) -> None:
    feeds = Feeds(1)
    app = make_app(feeds, include=("order (8|10) failed",))
    target = tmp_path / "saved.log"
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, JAVA)
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, SaveScreen)
        await pilot.press("ctrl+u", *str(target), "enter")
        await until(lambda: target.exists() and target.stat().st_size > 0)
        await settle(app, pilot)
    assert target.read_text() == "\n".join(ORDER_8 + ORDER_10) + "\n"


async def test_a_java_log_opened_whole_keeps_the_failing_record(tmp_path: Path) -> None:
    """The issue's check, through the CLI's own factory: ``logtail -i 'order 8' java.log`` on
    a file big enough to be indexed backwards in blocks (records cross block edges)."""
    text = java_service(399_999)  # ~520k lines, ~40 MB; ends inside an error's trace
    path = tmp_path / "java.log"
    path.write_text("\n".join(text) + "\n")
    app = app_from_argv(["-n", "all", "-i", r"order 8\b", str(path)])
    async with app.run_test(size=(120, 30)) as pilot:
        await until(lambda: app.store.received == len(text), timeout=120)
        await settle(app, pilot)
        assert visible_texts(app) == [sanitize(line) for line in text[8:12]]
    app = app_from_argv(["-n", "all", str(path)])
    async with app.run_test(size=(120, 30)) as pilot:
        await until(lambda: app.store.received == len(text), timeout=120)
        assert app.store.text(app.view[-1]).strip().startswith("at com.shop.Main")
        await pilot.press("E")
        header = app.store.text(app.view[app.pane.cursor])
        assert header.endswith(f"order {399_998} failed")
        await pilot.press("E")
        header = app.store.text(app.view[app.pane.cursor])
        assert header.endswith(f"order {399_988} failed")
        # Every trace is whole, those cut by a block edge included (history read backwards).
        for _ in app.scrollback.refilter(LineFilter.build(include=["NullPointer"])):
            pass
        assert len(app.view) == 4 * sum(" failed" in line for line in text)
