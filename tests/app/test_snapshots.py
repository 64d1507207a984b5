"""SVG snapshots of the main screens, built through the CLI's own factory (`app_from_argv`).

Data is deterministic: the demo generator with a fixed seed and fixed timestamps, fed
through an in-memory source that stays live. The status ticker is stopped so the rate
does not depend on timing. Regenerate with ``pytest tests/app/test_snapshots.py
--snapshot-update`` and look at the SVGs (tests/app/__snapshots__/) before committing.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable

import pytest
from support import until
from textual.pilot import Pilot

from logtail_tui.cli import app_from_argv
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources import demo
from logtail_tui.sources.contract import SourceEvent, SourceSpec
from logtail_tui.sources.demo import DemoSource
from logtail_tui.testing import MemorySource
from logtail_tui.ui.app import LogtailApp

SIZE = (110, 30)
LINES = 80


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """Demo timestamps one second apart from a fixed instant."""
    seconds = itertools.count()
    monkeypatch.setattr(
        demo, "_now", lambda: f"2026-12-01T08:{(s := next(seconds)) // 60:02d}:{s % 60:02d}.000Z"
    )


def demo_batch(spec: SourceSpec, settings: Settings) -> Batch:
    """The first lines the seeded demo generator would send."""
    generator = DemoSource(spec, settings)
    texts: list[str] = []
    while len(texts) < LINES:
        texts.extend(generator._line(len(texts)))
    return generator.parser.parse(texts)


def make_app(*argv: str) -> LogtailApp:
    """``logtail ARGV`` as the CLI builds it, over the seeded demo lines held in memory."""

    def factory(spec: SourceSpec, settings: Settings) -> MemorySource:
        queue: asyncio.Queue[SourceEvent | None] = asyncio.Queue()
        queue.put_nowait(demo_batch(spec, settings))
        return MemorySource(spec, settings, queue)  # never ends: the source stays live

    app = app_from_argv(["--utc", *argv, "demo:seed=7"], factory)  # times in one zone everywhere
    app.STATUS_TICK = 3600  # no rate ticks: the picture must not depend on timing
    return app


def loaded(then: Callable[[Pilot[int], LogtailApp], Awaitable[None]] | None = None):  # type: ignore[no-untyped-def]
    """A ``run_before`` that waits for the lines, runs ``then`` and lets workers finish."""

    async def run_before(pilot: Pilot[int]) -> None:
        app = pilot.app
        assert isinstance(app, LogtailApp)
        await until(lambda: app.store.received >= LINES)
        await pilot.pause()
        if then is not None:
            await then(pilot, app)
        await app.workers.wait_for_complete()
        await pilot.pause()

    return run_before


@pytest.mark.usefixtures("fixed_clock")
def test_following(snap_compare) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(), terminal_size=SIZE, run_before=loaded())


@pytest.mark.usefixtures("fixed_clock")
def test_paused_with_a_selected_line(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def pause(pilot: Pilot[int], app: LogtailApp) -> None:
        await pilot.press("space", "up", "up", "up")
        await until(lambda: app.pane.cursor is not None and not app.pane.following)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=loaded(pause))


@pytest.mark.usefixtures("fixed_clock")
def test_filter_bar(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def filter_billing(pilot: Pilot[int], app: LogtailApp) -> None:
        await pilot.press("f", *"billing")
        await until(lambda: len(app.view.filter.include) == 1)

    assert snap_compare(
        make_app("-l", "warn"), terminal_size=SIZE, run_before=loaded(filter_billing)
    )


@pytest.mark.usefixtures("fixed_clock")
def test_search_jumps_to_a_match(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def search(pilot: Pilot[int], app: LogtailApp) -> None:
        await pilot.press("slash", *"alice", "enter")
        await until(lambda: app.searching.index is not None and app.searching.index.ready)
        await until(lambda: "search " in app.status.plain_text() and app.pane.cursor is not None)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=loaded(search))


@pytest.mark.usefixtures("fixed_clock")
def test_help(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def help_screen(pilot: Pilot[int], app: LogtailApp) -> None:
        await pilot.press("question_mark")
        await until(lambda: type(app.screen).__name__ == "HelpScreen")

    assert snap_compare(make_app(), terminal_size=(110, 48), run_before=loaded(help_screen))


@pytest.mark.usefixtures("fixed_clock")
def test_detail_of_a_json_record(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def detail(pilot: Pilot[int], app: LogtailApp) -> None:
        # The first JSON record in the view: select it, then open its detail.
        first = next(i for i, n in enumerate(app.view) if (app.store.raw(n) or "").startswith("{"))
        app.pane.go_to(first)
        await pilot.press("enter")
        await until(lambda: type(app.screen).__name__ == "DetailScreen")

    assert snap_compare(make_app(), terminal_size=(110, 36), run_before=loaded(detail))


@pytest.mark.usefixtures("fixed_clock")
def test_marks_in_the_gutter(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def mark(pilot: Pilot[int], app: LogtailApp) -> None:
        await pilot.press("up", "up", "m", "up", "up", "up", "m", "up")
        await until(lambda: len(app.pane.marks) == 2)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=loaded(mark))


@pytest.mark.usefixtures("fixed_clock")
def test_field_filter_with_columns(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def columns(pilot: Pilot[int], app: LogtailApp) -> None:
        await pilot.press("F", *"duration_ms>1000 or jobs>30")
        await until(lambda: app.view.filter.where is not None)
        await app.workers.wait_for_complete()
        await pilot.press("escape", "C")
        await until(lambda: type(app.screen).__name__ == "ColumnsScreen")
        picker = app.screen.query_one("SelectionList")
        offered = [picker.get_option_at_index(i).value for i in range(picker.option_count)]  # type: ignore[attr-defined]
        for name in ("service", "duration_ms"):
            picker.highlighted = offered.index(name)  # type: ignore[attr-defined]
            await pilot.press("space")
        await pilot.press("enter")
        await until(lambda: 0 in app.columns.columns.by_source)
        app.clear_notifications()  # the toast naming the columns would hide the status bar

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=loaded(columns))


@pytest.mark.usefixtures("fixed_clock")
def test_light_theme_with_a_search(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def search(pilot: Pilot[int], app: LogtailApp) -> None:
        await pilot.press("slash", *"alice", "enter")
        await until(lambda: app.searching.index is not None and app.searching.index.ready)
        await until(lambda: "search " in app.status.plain_text() and app.pane.cursor is not None)

    app = make_app("--theme", "logtail-light")
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded(search))


@pytest.mark.usefixtures("fixed_clock")
def test_high_contrast_theme_paused(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def pause(pilot: Pilot[int], app: LogtailApp) -> None:
        await pilot.press("space", "up", "up", "up")
        await until(lambda: app.pane.cursor is not None and not app.pane.following)

    app = make_app("--theme", "logtail-high-contrast")
    assert snap_compare(app, terminal_size=SIZE, run_before=loaded(pause))


@pytest.mark.usefixtures("fixed_clock")
def test_timeline_strip(snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def timeline(pilot: Pilot[int], app: LogtailApp) -> None:
        await pilot.press("T")
        index = app.timeline.index
        # Every line counted (not a first batch flushed before the rest), then the marker.
        await until(lambda: not index.stale and index.hi == app.store.end == LINES)
        app.pane.go_to(40)  # the marker sits in the middle of the strip
        # The strip's next tick moves the marker from the top of the screen to the cursor.
        await until(lambda: app.timeline._here == app.timeline._here_bucket() == 40)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=loaded(timeline))
