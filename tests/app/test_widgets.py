"""Pilot tests of the issue #4 widgets: filter bar, search bar, line detail and save dialog.

Each test mounts one widget in a tiny app that records the messages it receives.
Waiting is done on conditions (`support.until`), never on fixed sleeps.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.json import JSON
from support import until
from textual.app import App, ComposeResult
from textual.message import Message
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static

from logtail_tui.core.filters import LineFilter
from logtail_tui.core.parse import LineParser, sanitize
from logtail_tui.core.record import Level, Record
from logtail_tui.core.search import SearchQuery
from logtail_tui.ui.detail_screen import MAX_FIELDS, MAX_SHOWN, DetailScreen
from logtail_tui.ui.filter_bar import FilterBar
from logtail_tui.ui.save_screen import SaveScreen
from logtail_tui.ui.search_bar import SearchBar


class Pane(Static, can_focus=True):
    """Stands in for the log pane: focusable, so focus has somewhere to return to."""


class Harness(App[None]):
    """Mounts one widget (or nothing) and records the widget messages that reach it."""

    def __init__(self, widget: Widget | None = None) -> None:
        super().__init__()
        self.widget = widget
        self.messages: list[Message] = []
        self.results: list[object] = []

    def compose(self) -> ComposeResult:
        yield Pane("log pane stand-in", id="pane")
        if self.widget is not None:
            yield self.widget

    def on_filter_bar_changed(self, event: FilterBar.Changed) -> None:
        self.messages.append(event)

    def on_filter_bar_closed(self, event: FilterBar.Closed) -> None:
        self.messages.append(event)

    def on_search_bar_changed(self, event: SearchBar.Changed) -> None:
        self.messages.append(event)

    def on_search_bar_submitted(self, event: SearchBar.Submitted) -> None:
        self.messages.append(event)

    def on_search_bar_closed(self, event: SearchBar.Closed) -> None:
        self.messages.append(event)

    def show(self, screen: Screen[object]) -> None:
        self.push_screen(screen, self.results.append)


async def wait_for(
    pilot: Pilot[None], condition: Callable[[], object], timeout: float = 3.0
) -> None:
    """Let the app run until ``condition()`` is true; fail after ``timeout`` seconds."""
    await until(condition, timeout, 0.01)


async def wait_screen(
    pilot: Pilot[None], app: Harness, kind: type[Screen[object]]
) -> Screen[object]:
    """Wait until a pushed screen of type ``kind`` is active and composed."""
    await wait_for(pilot, lambda: isinstance(app.screen, kind) and app.screen.children)
    await pilot.pause()
    return app.screen


def of_type(app: Harness, kind: type[Message]) -> list[Message]:
    return [m for m in app.messages if isinstance(m, kind)]


def patterns(line_filter: LineFilter) -> tuple[list[str], list[str]]:
    return [p.pattern for p in line_filter.include], [p.pattern for p in line_filter.exclude]


# -- filter bar ------------------------------------------------------------------------


async def test_typing_include_posts_debounced_filter() -> None:
    app = Harness(FilterBar())
    async with app.run_test() as pilot:
        bar = app.query_one(FilterBar)
        assert not bar.is_open and not bar.display
        assert app.focused is app.query_one(Pane)  # nothing hidden takes the focus
        bar.open()
        await pilot.pause()
        assert bar.is_open and bar.region.height > 0
        assert app.focused is bar.query_one("#filter-include", Input)
        await pilot.press(*"err|warn")
        await wait_for(pilot, lambda: of_type(app, FilterBar.Changed))
        changed = of_type(app, FilterBar.Changed)
        line_filter = changed[-1].line_filter
        assert patterns(line_filter) == (["err|warn"], [])
        assert line_filter.matches("disk error", Level.INFO)
        assert not line_filter.matches("all good", Level.INFO)
        assert bar.line_filter is line_filter


async def test_typing_is_coalesced_until_quiet_or_enter() -> None:
    # A debounce far longer than the test: nothing may be posted while typing,
    # and enter applies at once, as one message for the whole word.
    app = Harness(FilterBar(debounce=30))
    async with app.run_test() as pilot:
        bar = app.query_one(FilterBar)
        bar.open()
        await pilot.press(*"timeout")
        await pilot.pause()
        assert of_type(app, FilterBar.Changed) == []
        await pilot.press("enter")
        await wait_for(pilot, lambda: of_type(app, FilterBar.Closed))
        changed = of_type(app, FilterBar.Changed)
        assert len(changed) == 1
        assert patterns(changed[0].line_filter) == (["timeout"], [])
        assert not bar.is_open


async def test_invalid_regex_shows_error_and_keeps_previous_filter() -> None:
    app = Harness(FilterBar())
    async with app.run_test() as pilot:
        bar = app.query_one(FilterBar)
        bar.open()
        bar.query_one("#filter-exclude", Input).focus()
        await pilot.press(*"health")
        await wait_for(pilot, lambda: of_type(app, FilterBar.Changed))
        good = bar.line_filter
        assert patterns(good) == ([], ["health"])

        await pilot.press(*"(ok")
        error = bar.query_one("#filter-error", Static)
        await wait_for(pilot, lambda: bar.error is not None)
        await pilot.pause()
        assert len(of_type(app, FilterBar.Changed)) == 1
        assert bar.line_filter is good
        assert "exclude" in bar.error and bar.error.endswith(".")
        assert bar.error[0].isupper()
        assert error.display and error.region.height > 0
        assert str(error.visual) == bar.error
        assert bar.query_one("#filter-exclude", Input).has_class("-invalid")
        assert not bar.query_one("#filter-include", Input).has_class("-invalid")
        await pilot.press("enter")  # enter on a bad regex keeps the bar open
        await pilot.pause()
        assert bar.is_open and of_type(app, FilterBar.Closed) == []
        assert len(of_type(app, FilterBar.Changed)) == 1

        await pilot.press(")")
        await wait_for(pilot, lambda: len(of_type(app, FilterBar.Changed)) == 2)
        assert bar.error is None and not error.display
        assert patterns(bar.line_filter) == ([], ["health(ok)"])
        assert not bar.query_one("#filter-exclude", Input).has_class("-invalid")


async def test_clear_key_and_button_restore_an_inactive_filter() -> None:
    app = Harness(FilterBar())
    async with app.run_test() as pilot:
        bar = app.query_one(FilterBar)
        bar.open()
        await pilot.press(*"db")
        await wait_for(pilot, lambda: of_type(app, FilterBar.Changed))
        assert bar.line_filter.active

        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: len(of_type(app, FilterBar.Changed)) == 2)
        assert not of_type(app, FilterBar.Changed)[-1].line_filter.active
        assert bar.query_one("#filter-include", Input).value == ""

        bar.query_one("#filter-level", Select).value = int(Level.ERROR)
        await wait_for(pilot, lambda: len(of_type(app, FilterBar.Changed)) == 3)
        assert bar.line_filter.active
        await pilot.click("#filter-clear")
        await wait_for(pilot, lambda: len(of_type(app, FilterBar.Changed)) == 4)
        assert not bar.line_filter.active
        assert bar.query_one("#filter-level", Select).value == Level.NONE


async def test_level_select_sets_minimum_level() -> None:
    app = Harness(FilterBar())
    async with app.run_test() as pilot:
        bar = app.query_one(FilterBar)
        bar.open()
        select = bar.query_one("#filter-level", Select)
        select.focus()
        await pilot.press("enter")  # open the menu, then type to jump to "≥ warning"
        await pilot.press(*"≥ w", "enter")
        await wait_for(pilot, lambda: of_type(app, FilterBar.Changed))
        line_filter = of_type(app, FilterBar.Changed)[-1].line_filter
        assert line_filter.level == Level.WARNING
        assert line_filter.matches("x", Level.ERROR)
        assert not line_filter.matches("x", Level.INFO)


async def test_level_toggles_hide_single_levels() -> None:
    app = Harness(FilterBar())
    async with app.run_test(size=(140, 30)) as pilot:
        bar = app.query_one(FilterBar)
        bar.open()
        await pilot.pause()
        await pilot.click("#filter-show-debug")
        await wait_for(pilot, lambda: of_type(app, FilterBar.Changed))
        line_filter = of_type(app, FilterBar.Changed)[-1].line_filter
        assert line_filter.hidden_levels == frozenset({Level.DEBUG})
        assert not bar.query_one("#filter-show-debug", Checkbox).value

        await pilot.click("#filter-show-debug")
        await wait_for(pilot, lambda: len(of_type(app, FilterBar.Changed)) == 2)
        assert of_type(app, FilterBar.Changed)[-1].line_filter.hidden_levels == frozenset()


async def test_set_filter_prefills_from_cli_without_posting() -> None:
    app = Harness(FilterBar())
    async with app.run_test() as pilot:
        bar = app.query_one(FilterBar)
        cli = LineFilter.build(level=Level.WARNING, include=("api", "db"), exclude=("health",))
        bar.set_filter(cli)
        bar.open()
        await pilot.pause()
        assert bar.query_one("#filter-include", Input).value == "api|db"
        assert bar.query_one("#filter-exclude", Input).value == "health"
        assert bar.query_one("#filter-level", Select).value == Level.WARNING
        await pilot.press("enter")  # an unchanged bar posts no filter, only closes
        await wait_for(pilot, lambda: of_type(app, FilterBar.Closed))
        assert of_type(app, FilterBar.Changed) == []
        assert bar.line_filter is cli and not bar.is_open

        bar.open()
        await pilot.press("end", *"|cache")
        await wait_for(pilot, lambda: of_type(app, FilterBar.Changed))
        line_filter = of_type(app, FilterBar.Changed)[-1].line_filter
        assert patterns(line_filter) == (["api|db|cache"], ["health"])
        assert line_filter.level == Level.WARNING


async def test_escape_closes_filter_bar_and_keeps_filter() -> None:
    app = Harness(FilterBar(debounce=30))
    async with app.run_test() as pilot:
        bar = app.query_one(FilterBar)
        bar.open()
        await pilot.press(*"slow")
        await pilot.press("escape")
        await wait_for(pilot, lambda: of_type(app, FilterBar.Closed))
        assert not bar.is_open and not bar.display
        assert app.focused is app.query_one(Pane)
        # Closing applies what was typed rather than dropping it.
        assert [patterns(m.line_filter) for m in of_type(app, FilterBar.Changed)] == [
            (["slow"], [])
        ]


# -- search bar ------------------------------------------------------------------------


async def test_search_bar_posts_queries_as_the_user_types() -> None:
    app = Harness(SearchBar())
    async with app.run_test() as pilot:
        bar = app.query_one(SearchBar)
        assert not bar.is_open
        bar.open()
        await pilot.pause()
        assert bar.is_open and app.focused is bar.query_one("#search-input", Input)
        await pilot.press(*"time.out")
        await wait_for(pilot, lambda: of_type(app, SearchBar.Changed))
        query = of_type(app, SearchBar.Changed)[-1].query
        assert query == SearchQuery.parse("time.out", regex=False)
        assert bar.search_query == query

        for _ in "time.out":
            await pilot.press("backspace")
        await wait_for(pilot, lambda: of_type(app, SearchBar.Changed)[-1].query is None)


async def test_search_regex_toggle_reparses_the_query() -> None:
    app = Harness(SearchBar())
    async with app.run_test() as pilot:
        bar = app.query_one(SearchBar)
        bar.open()
        await pilot.press(*"a.c")
        await wait_for(pilot, lambda: of_type(app, SearchBar.Changed))
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: len(of_type(app, SearchBar.Changed)) == 2)
        assert bar.query_one("#search-regex", Checkbox).value
        assert of_type(app, SearchBar.Changed)[-1].query == SearchQuery.parse("a.c", regex=True)
        assert SearchQuery.parse("a.c", regex=True) != SearchQuery.parse("a.c", regex=False)


async def test_search_invalid_regex_shows_error_and_posts_nothing() -> None:
    app = Harness(SearchBar())
    async with app.run_test() as pilot:
        bar = app.query_one(SearchBar)
        bar.open()
        await pilot.press("ctrl+r")
        await pilot.press(*"[a-")
        await wait_for(pilot, lambda: bar.error is not None)
        await pilot.press("enter")
        await pilot.pause()
        assert of_type(app, SearchBar.Changed) == []
        assert of_type(app, SearchBar.Submitted) == []
        assert bar.error.endswith(".") and bar.error[0].isupper()
        error = bar.query_one("#search-error", Static)
        assert error.display and str(error.visual) == bar.error

        await pilot.press("ctrl+r")  # as plain text the same input is fine
        await wait_for(pilot, lambda: of_type(app, SearchBar.Changed))
        assert bar.error is None and not error.display
        assert of_type(app, SearchBar.Changed)[-1].query == SearchQuery.parse("[a-")


async def test_search_enter_submits_counter_and_escape_closes() -> None:
    app = Harness(SearchBar(debounce=30))
    async with app.run_test() as pilot:
        bar = app.query_one(SearchBar)
        bar.open()
        await pilot.press(*"[bold]", "enter")
        await wait_for(pilot, lambda: of_type(app, SearchBar.Submitted))
        expected = SearchQuery.parse("[bold]")
        assert [m.query for m in of_type(app, SearchBar.Changed)] == [expected]
        assert of_type(app, SearchBar.Submitted)[0].query == expected

        bar.set_counter("12/340")
        await pilot.pause()
        counter = bar.query_one("#search-counter", Static)
        assert str(counter.visual) == "12/340" and bar.counter == "12/340"
        bar.set_counter("[red]no match[/red]", error=True)
        await pilot.pause()
        assert str(counter.visual) == "[red]no match[/red]"  # plain text, never markup
        assert counter.has_class("-error")

        await pilot.press("escape")
        await wait_for(pilot, lambda: of_type(app, SearchBar.Closed))
        assert not bar.is_open
        assert app.focused is app.query_one(Pane)
        assert bar.search_query == expected  # n / N keep working after closing


async def test_search_set_search_prefills_without_posting() -> None:
    app = Harness(SearchBar())
    async with app.run_test() as pilot:
        bar = app.query_one(SearchBar)
        bar.set_search("Timeout")
        bar.open()
        await pilot.pause()
        assert bar.query_one("#search-input", Input).value == "Timeout"
        assert bar.search_query == SearchQuery.parse("Timeout")
        await pilot.press("enter")  # unchanged: no Changed, but enter still submits
        await wait_for(pilot, lambda: of_type(app, SearchBar.Submitted))
        assert of_type(app, SearchBar.Changed) == []
        assert of_type(app, SearchBar.Submitted)[0].query == SearchQuery.parse("Timeout")

        bar.set_search("[x", regex=True)  # an invalid preset is reported, not applied
        await pilot.pause()
        assert bar.error is not None and bar.search_query == SearchQuery.parse("Timeout")
        assert bar.query_one("#search-regex", Checkbox).value
        assert of_type(app, SearchBar.Changed) == []


# -- detail screen ---------------------------------------------------------------------

JSON_LINE = (
    '{"level": "error", "message": "[bold]boom[/bold] in [link=http://x]db[/link]", '
    '"timestamp": "2026-11-21T10:00:00Z", "user": {"id": 7, "name": "ann"}, "tags": ["a", "b"]}'
)


async def test_detail_shows_fields_and_pretty_json_without_markup() -> None:
    record = LineParser().parse([JSON_LINE]).record(0)
    app = Harness()
    async with app.run_test(size=(120, 50)) as pilot:
        app.show(DetailScreen(record, source_label="api.log", number=42))
        screen = await wait_screen(pilot, app, DetailScreen)
        assert ("user.id", "7") in screen.fields
        assert ("user.name", "ann") in screen.fields
        assert ("tags", '["a", "b"]') in screen.fields
        message = screen.query_one("#detail-message", Static)
        assert "[bold]boom[/bold] in [link=http://x]db[/link]" in record.text
        assert message.visual.plain == record.text
        assert isinstance(screen.query_one("#detail-json", Static).content, JSON)
        assert screen.query_one("#detail", Widget).border_title == "Line 42"

        svg = app.export_screenshot()
        for shown in ("api.log", "error", "user.name", "[bold]boom[/bold]", '"tags"'):
            assert html.escape(shown).replace(" ", "&#160;") in svg, shown

        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen))
        assert app.results == [None]


async def test_detail_logfmt_fields_and_close_keys() -> None:
    record = Record('level=warn msg="disk \\"almost\\" full" pct=93', Level.WARNING)
    app = Harness()
    async with app.run_test() as pilot:
        for key in ("enter", "q"):
            app.show(DetailScreen(record, source_label="cmd", number=1))
            screen = await wait_screen(pilot, app, DetailScreen)
            assert screen.fields == [
                ("level", "warn"),
                ("msg", 'disk "almost" full'),
                ("pct", "93"),
            ]
            assert screen.payload is None and not screen.query("#detail-json")
            await pilot.press(key)
            await wait_for(pilot, lambda: not isinstance(app.screen, DetailScreen))
        assert app.results == [None, None]


async def test_detail_sanitises_control_characters_inside_json_values() -> None:
    record = LineParser().parse(['{"msg": "hi", "evil": "\\u001b[2J\\u0007"}']).record(0)
    app = Harness()
    async with app.run_test() as pilot:
        app.show(DetailScreen(record, source_label="ws", number=3))
        await wait_screen(pilot, app, DetailScreen)
        value = dict(app.screen.fields)["evil"]
        assert value.isprintable() and value == sanitize("\x1b[2J\x07")


async def test_detail_shows_a_multi_line_value_as_lines() -> None:
    stack = "boom\n\tat com.example.Foo(Foo.java:1)\r\n\tat com.example.Bar(Bar.java:2)\u001b[2J"
    line = json.dumps({"level": "error", "msg": "failed", "stacktrace": stack})
    record = LineParser().parse([line]).record(0)
    app = Harness()
    async with app.run_test(size=(120, 40)) as pilot:
        app.show(DetailScreen(record, source_label="zap", number=1))
        screen = await wait_screen(pilot, app, DetailScreen)
        value = dict(screen.fields)["stacktrace"]
        assert value.split("\n")[0] == "boom" and "^J" not in value and "\x1b" not in value
        assert len(value.split("\n")) == 3 and value.split("\n")[2].endswith("(Bar.java:2)")
        fields = screen.query_one("#detail-fields", Static).visual.plain.splitlines()
        first = next(i for i, text in enumerate(fields) if text.startswith("stacktrace"))
        assert fields[first + 1].strip().startswith("at com.example.Foo")
        assert fields[first + 1].index("at com") == fields[first].index("boom") + 8  # tab stop


async def test_detail_limits_huge_records_and_copies_them_whole() -> None:
    obj = {f"k{i:03}": "v" * 100 for i in range(300)}
    raw = json.dumps(obj)
    record = Record("huge", Level.INFO, raw=raw)
    app = Harness()
    async with app.run_test() as pilot:
        app.show(DetailScreen(record, source_label="ws", number=9))
        screen = await wait_screen(pilot, app, DetailScreen)
        assert len(screen.fields) == MAX_FIELDS and screen.more_fields == 300 - MAX_FIELDS
        fields = screen.query_one("#detail-fields", Static).visual.plain
        assert "k000" in fields and f"{300 - MAX_FIELDS} more fields" in fields
        shown = screen.query_one("#detail-raw", Static).visual.plain
        assert shown.startswith(raw[:MAX_SHOWN]) and len(shown) < len(raw)
        assert f"{len(raw) - MAX_SHOWN:,} more characters" in shown
        await pilot.press("y")
        await wait_for(pilot, lambda: app.clipboard)
        assert app.clipboard == raw


@pytest.mark.parametrize("depth", [100, 5000])
async def test_detail_survives_absurdly_nested_json(depth: int) -> None:
    raw = '{"a":' * depth + "1" + "}" * depth
    record = Record("nested", Level.INFO, raw=raw)
    app = Harness()
    async with app.run_test() as pilot:
        app.show(DetailScreen(record, source_label="ws", number=1))
        screen = await wait_screen(pilot, app, DetailScreen)
        assert screen.payload is None and not screen.query("#detail-json")
        assert screen.query_one("#detail-raw", Static).visual.plain.startswith('{"a":{"a":')


# -- save screen -----------------------------------------------------------------------


async def test_save_enter_returns_path_in_directory(tmp_path: Path) -> None:
    app = Harness()
    async with app.run_test() as pilot:
        app.show(SaveScreen(directory=tmp_path))
        await wait_screen(pilot, app, SaveScreen)
        path_input = app.screen.query_one("#save-path", Input)
        assert path_input.value.startswith("logtail-") and path_input.value.endswith(".log")
        suggested = path_input.value
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.results)
        assert app.results == [str(tmp_path / suggested)]


async def test_save_escape_returns_none(tmp_path: Path) -> None:
    app = Harness()
    async with app.run_test() as pilot:
        app.show(SaveScreen(directory=tmp_path))
        await wait_screen(pilot, app, SaveScreen)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.results)
        assert app.results == [None]


async def test_save_missing_directory_shows_error_and_stays(tmp_path: Path) -> None:
    app = Harness()
    async with app.run_test() as pilot:
        app.show(SaveScreen(directory=tmp_path))
        screen = await wait_screen(pilot, app, SaveScreen)
        path_input = screen.query_one("#save-path", Input)
        path_input.value = "no-such-dir/out.log"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.error is not None)
        assert app.screen is screen and app.results == []
        assert "does not exist" in screen.error and screen.error.endswith(".")
        assert str(tmp_path / "no-such-dir") in screen.error
        assert screen.query_one("#save-error", Static).display

        (tmp_path / "no-such-dir").mkdir()
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.results)
        assert app.results == [str(tmp_path / "no-such-dir" / "out.log")]


async def test_save_existing_file_asks_for_a_second_enter(tmp_path: Path) -> None:
    (tmp_path / "old.log").write_text("keep me\n")
    app = Harness()
    async with app.run_test() as pilot:
        app.show(SaveScreen(directory=tmp_path, name="old.log"))
        screen = await wait_screen(pilot, app, SaveScreen)
        await pilot.press("enter")
        warning = screen.query_one("#save-warning", Static)
        await wait_for(pilot, lambda: warning.display)
        assert "already exists" in str(warning.visual)
        assert app.results == []
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.results)
        assert app.results == [str(tmp_path / "old.log")]


@pytest.mark.parametrize("text", ["", "   "])
async def test_save_empty_path_is_an_error(tmp_path: Path, text: str) -> None:
    app = Harness()
    async with app.run_test() as pilot:
        app.show(SaveScreen(directory=tmp_path))
        screen = await wait_screen(pilot, app, SaveScreen)
        screen.query_one("#save-path", Input).value = text
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.error is not None)
        assert screen.error == "Type the name of the file to save to."
        assert app.screen is screen
