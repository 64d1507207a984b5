"""Pilot tests of the field bar (``F``, ``-w``) and columns (``C``) in the real app."""

from __future__ import annotations

import json

from support import Feeds, fill, settle, until
from textual.widgets import Input, SelectionList, Static

from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.columns import ColumnsScreen


def make_app(feeds: Feeds, **settings: object) -> LogtailApp:
    return LogtailApp(feeds.specs, Settings(**settings), feeds.factory)  # type: ignore[arg-type]


def request(i: int, status: int, path: str = "/api/x", svc: str = "api") -> str:
    return json.dumps(
        {"time": f"2026-12-01T10:00:{i:02d}Z", "level": "info", "msg": f"req {i}",
         "status": status, "path": path, "svc": svc}
    )  # fmt: skip


REQUESTS = [
    request(0, 200),
    request(1, 503, "/api/pay"),
    request(2, 404, "/health"),
    '10.0.0.1 - - [01/Dec/2026:10:00:03 +0000] "GET /static/a.js HTTP/1.1" 500 12',
    "2026-12-01T10:00:04Z ERROR plain text status=500 (no fields: text)",
    "ts=2026-12-01T10:00:05Z level=error msg=boom status=502 svc=worker",
]


def shown_numbers(app: LogtailApp) -> list[int]:
    return [app.scrollback.line_number(n) for n in app.view]


def rendered(app: LogtailApp, n: int) -> str:
    """Line ``n`` (1-based) as the pane draws it."""
    return app.pane._full_strip(n - 1 + app.store.origin).text


async def test_field_bar_filters_scrollback_and_new_lines() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, REQUESTS)
        await pilot.press("F")
        assert app.field_bar.is_open
        await pilot.press(*"status>=500")
        await until(lambda: app.view.filter.where is not None)
        await settle(app, pilot)
        assert shown_numbers(app) == [2, 4, 6]
        assert "where:status>=500" in app.status.plain_text()
        await fill(app, feeds, [request(7, 200), request(8, 500), "no fields at all"])
        await settle(app, pilot)
        assert shown_numbers(app) == [2, 4, 6, 8]
        await pilot.press("escape")
        assert not app.field_bar.is_open
        assert app.focused is app.pane


async def test_bad_expression_keeps_the_previous_one_and_points_at_the_error() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, REQUESTS)
        await pilot.press("F", *"svc=api")
        await until(lambda: app.view.filter.where is not None)
        await settle(app, pilot)
        assert shown_numbers(app) == [1, 2, 3]
        await pilot.press(*" and (")
        await until(lambda: app.field_bar.error is not None, timeout=3)
        await settle(app, pilot)
        assert app.view.filter.where is not None and app.view.filter.where.text == "svc=api"
        assert shown_numbers(app) == [1, 2, 3]
        error = str(app.field_bar.query_one("#field-error", Static).render())
        assert (
            error
            == " " * (6 + len("svc=api and ("))
            + "^ The expression ends too early: a condition is missing."
        )
        await pilot.press("ctrl+r")
        await until(lambda: app.view.filter.where is None)
        await settle(app, pilot)
        assert shown_numbers(app) == list(range(1, 7))


async def test_where_option_prefills_the_bar_and_combines_with_other_filters() -> None:
    feeds = Feeds(1)
    app = make_app(feeds, where="status>=500")
    async with app.run_test(size=(120, 30)) as pilot:
        await fill(app, feeds, REQUESTS)
        await settle(app, pilot)
        assert shown_numbers(app) == [2, 4, 6]
        await pilot.press("F")
        assert app.field_bar.query_one(Input).value == "status>=500"
        await pilot.press("escape", "f", *"api")  # the filter bar keeps the where expression
        await until(lambda: app.view.filter.include)
        await settle(app, pilot)
        assert app.view.filter.where is not None
        assert shown_numbers(app) == [2]


async def test_columns_are_picked_per_source_and_remembered() -> None:
    feeds = Feeds(2)
    app = make_app(feeds)
    async with app.run_test(size=(140, 30)) as pilot:
        await fill(app, feeds, REQUESTS[:3], source=0)
        await fill(app, feeds, [request(9, 201, "/b", "other")], source=1)
        await pilot.press("up", "up")  # select a line of source 0
        await pilot.press("C")
        await until(lambda: isinstance(app.screen, ColumnsScreen))
        picker = app.screen.query_one(SelectionList)
        offered = [picker.get_option_at_index(i).value for i in range(picker.option_count)]
        assert offered[:3] == ["level", "msg", "path"]  # every record has these: name order
        for name in ("status", "path"):
            picker.highlighted = offered.index(name)
            await pilot.press("space")
        await pilot.press("enter")
        await until(lambda: not isinstance(app.screen, ColumnsScreen))
        assert app.columns.columns.by_source[0].fields == ("path", "status")
        first, second = rendered(app, 1), rendered(app, 2)
        assert "/api/x    200  req 0 svc=api" in first
        assert "/api/pay  503  req 1 svc=api" in second
        assert "status=" not in first  # shown once, as a column
        assert first.index("200") == second.index("503")  # aligned
        other = rendered(app, 4)
        assert "status=201" in other  # source 1 has no columns
        # Remembered: the picker opens with them chosen.
        await pilot.press("C")
        await until(lambda: isinstance(app.screen, ColumnsScreen))
        assert list(app.screen.query_one(SelectionList).selected) == ["path", "status"]
        await pilot.press("escape")
        assert app.columns.columns.by_source[0].fields == ("path", "status")
