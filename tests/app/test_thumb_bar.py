"""The log pane's scrollbar is redrawn only when its thumb moves, and always shows the thumb
for the current scroll values (ui/thumb_bar.py)."""

from __future__ import annotations

from support import Feeds, lines, settled, until
from textual.scrollbar import ScrollBar

from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.thumb_bar import ThumbBar


def make_app(feeds: Feeds) -> LogtailApp:
    return LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]


def shown_equals_fresh(bar: ScrollBar) -> bool:
    """Whether the rows the bar last drew equal a redraw for its current values."""
    region = bar.size.region
    shown = [list(strip) for strip in ScrollBar.render_lines(bar, region)]  # cached unless dirty
    bar._set_dirty()
    fresh = [list(strip) for strip in ScrollBar.render_lines(bar, region)]
    return bool(shown) and shown == fresh


class Renders:
    """Counts how often the bar builds its rows."""

    def __init__(self, bar: ThumbBar) -> None:
        self.count = 0
        real = bar.render

        def counted() -> object:
            self.count += 1
            return real()

        bar.render = counted  # type: ignore[method-assign]


async def append(app: LogtailApp, feeds: Feeds, pilot: object, text: str, total: int) -> None:
    await feeds[0].put(lines(text))
    await until(lambda: app.store.received == total)
    await pilot.pause()  # type: ignore[attr-defined]


async def with_lines(app: LogtailApp, feeds: Feeds, pilot: object, count: int) -> ThumbBar:
    """``count`` lines shown, the layout settled: the pane's scrollbar."""
    await feeds[0].put(lines(*(f"line {i}" for i in range(count))))
    await until(lambda: app.store.received == count)
    await pilot.pause()  # type: ignore[attr-defined]
    await settled(app)
    bar = app.pane.vertical_scrollbar
    assert isinstance(bar, ThumbBar)
    return bar


async def test_a_long_view_followed_does_not_redraw_the_bar_per_line() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(100, 20)) as pilot:
        bar = await with_lines(app, feeds, pilot, 3000)
        # The first frames draw the thumb at the top, before the scroll to the end.
        await until(
            lambda: bar.position == app.pane.max_scroll_y > 0
            and bar._drawn == bar.thumb()
            and not bar._repaint_required
        )
        renders = Renders(bar)
        for k in range(20):
            await append(app, feeds, pilot, f"newest {k}", 3001 + k)
        assert bar.window_virtual_size == 3020
        assert bar.position == app.pane.max_scroll_y
        # The thumb (one cell at the bottom) does not move, so it is not drawn again.
        assert renders.count == 0
        assert shown_equals_fresh(bar)


async def test_a_short_view_moves_the_thumb_at_each_line() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(100, 20)) as pilot:
        bar = await with_lines(app, feeds, pilot, 25)
        renders = Renders(bar)
        thumbs = set()
        for k in range(10):
            await append(app, feeds, pilot, f"newest {k}", 26 + k)
            thumbs.add(bar.thumb())
            assert shown_equals_fresh(bar), k
        assert len(thumbs) == 10  # the thumb shrinks with each line...
        assert renders.count >= 10  # ...and each is drawn


async def test_a_paused_view_shows_the_thumb_rising_as_lines_arrive() -> None:
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(100, 20)) as pilot:
        bar = await with_lines(app, feeds, pilot, 200)
        await pilot.press("space")
        await pilot.pause()
        assert not app.pane.following
        first = bar.thumb()
        total = 200
        for k in range(30):
            total += 10
            await feeds[0].put(lines(*(f"more {k}.{i}" for i in range(10))))
            await until(lambda total=total: app.store.received == total)
            await pilot.pause()
            assert shown_equals_fresh(bar), k
        assert bar.thumb() != first
        assert bar.window_virtual_size == 500


async def test_the_thumb_is_at_the_end_after_a_burst_read_before_the_bar_appeared() -> None:
    """The pane scrolls to its end before its scrollbar is first shown, and Textual updates
    the bar's position only while it is shown: a plain bar kept the thumb at the top."""
    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(100, 20)) as pilot:
        bar = await with_lines(app, feeds, pilot, 3000)
        await until(lambda: bar._drawn == bar.thumb() and not bar._repaint_required)
        rows = ScrollBar.render_lines(bar, bar.size.region)  # the rows last drawn
        actions = [strip._segments[0].style.meta.get("@mouse.down") for strip in rows]
        assert len(actions) == 18
        assert actions[-1] == "grab"  # the thumb, on the last row
        assert set(actions[:-1]) == {"scroll_up"}
        assert shown_equals_fresh(bar)


async def test_the_bar_rows_are_the_ones_textual_would_draw() -> None:
    """The bar makes its rows from the scrollbar's segments itself, skipping Rich and
    Textual's visuals: the same strips, thumb at the end, the top and between, hovered and
    grabbed."""
    from textual.geometry import Offset
    from textual.widget import Widget

    def textual_rows(bar: ThumbBar) -> list[object]:
        bar.render()  # the values it draws (Textual's path calls it too)
        Widget._render_content(bar)
        return list(bar._render_cache.lines)

    feeds = Feeds(1)
    app = make_app(feeds)
    async with app.run_test(size=(100, 20)) as pilot:
        bar = await with_lines(app, feeds, pilot, 300)
        states = []
        for keys in ([], ["g"], ["pagedown", "pagedown", "pagedown"]):
            await pilot.press(*keys)
            await pilot.pause()
            states.append(bar.thumb())
            ours = bar._bar_rows()
            assert len(ours) == bar.size.height and ours == textual_rows(bar)
        assert len(set(states)) == 3
        bar.mouse_over = True
        assert bar._bar_rows() == textual_rows(bar)
        bar.grabbed = Offset(0, 0)
        assert bar._bar_rows() == textual_rows(bar)
        grabbed = {strip._segments[0].style for strip in bar._bar_rows()}
        bar.grabbed, bar.mouse_over = None, False
        assert grabbed != {strip._segments[0].style for strip in bar._bar_rows()}
