"""The log pane's vertical scrollbar, redrawn only when its thumb moves on screen.

While following, each new line lengthens the scroll range and moves the scroll position,
and Textual's scrollbar redraws itself whole (every row through Rich) at each change: as
much work a frame as the log pane's own rows. The thumb is drawn in eighths of a cell, so
with a few hundred lines or more most new lines move it by less than one eighth. This bar
keeps the same state (mouse dragging reads it) but asks for a redraw only when the thumb it
would draw differs from the one on screen.
"""

from __future__ import annotations

from math import ceil

from rich.color import Color
from rich.console import RenderableType
from rich.segment import Segment
from textual.geometry import Region
from textual.reactive import Reactive
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

from logtail_tui.ui.shifted_rows import ShiftedRows

# What decides the drawn bar: its length, and the thumb's first and last eighth of a cell
# (or, when no thumb is drawn, the values themselves).
Thumb = tuple[object, ...]


class ThumbBar(ScrollBar):
    """A `ScrollBar` whose scroll values repaint it only when the drawn thumb changes."""

    window_virtual_size: Reactive[int] = Reactive(100, repaint=False)
    window_size: Reactive[int] = Reactive(0, repaint=False)
    position: Reactive[float] = Reactive(0, repaint=False)

    def __init__(self, vertical: bool = True, name: str | None = None, *, thickness: int = 1):
        super().__init__(vertical, name, thickness=thickness)
        self._drawn: Thumb | None = None  # the thumb on screen
        self._check_pending = False
        self._rows: list[Strip] | None = None  # in a pass: its rows, once one was asked for
        self._shifted = ShiftedRows()

    def thumb(self) -> Thumb:
        """The thumb as `ScrollBarRender.render_bar` would place it for the current values."""
        size = self.size.height if self.vertical else self.size.width
        virtual = ceil(self.window_virtual_size)
        window = ceil(self.window_size) if self.window_size < self.window_virtual_size else 0
        position = self._scrolled()
        if not (window and size and virtual and size != virtual and virtual != window):
            return (size, virtual, window, position)
        thumb_size = max(1, window / (virtual / size))
        eighths = len(self.renderer.VERTICAL_BARS if self.vertical else self.renderer.HORIZONTAL_BARS)
        start = int((size - thumb_size) * (position / (virtual - window)) * eighths)
        return (size, start, start + ceil(thumb_size * eighths))

    def _scrolled(self) -> float:
        """Where the pane is scrolled to, in this bar's steps. The pane's offset is the truth:
        Textual sets ``position`` only while the bar is shown, so a pane that scrolled to its
        end before its bar first appeared would show the thumb at the top."""
        parent = self.parent
        if not isinstance(parent, Widget):
            return self.position
        offset = parent.scroll_offset
        return self.validate_position(offset.y if self.vertical else offset.x)

    def render(self) -> RenderableType:
        self.set_reactive(ThumbBar.position, self._scrolled())
        self._drawn = self.thumb()
        return super().render()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._shifted.forget()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Called at every frame that touches the pane; the rows are made only if one is dirty.
        self._rows = []
        self._shifted.begin(self, 0)  # rows the thumb did not cross keep their finished strips
        try:
            return super().render_lines(crop)
        finally:
            self._shifted.end(self, 0)
            self._rows = None

    def render_line(self, y: int) -> Strip:
        rows = self._rows
        if not rows:
            rows = self._bar_rows()
            if self._rows is not None:
                self._rows = rows  # kept for the rest of this pass only
        return self._shifted.seen(y, rows[y] if y < len(rows) else Strip.blank(self.size.width))

    def _bar_rows(self) -> list[Strip]:
        """The rows Textual would draw for `render`'s bar, made straight from its segments:
        through Rich and Textual's visuals they cost about a millisecond a frame while the
        thumb moves at each line."""
        bar = self.render()
        if not (isinstance(bar, ScrollBarRender) and self.vertical):
            return [Widget.render_line(self, y) for y in range(self.size.height)]
        width, height = self.size
        style = self.app.console.get_style(bar.style)
        segments = bar.render_bar(
            size=height,
            window_size=bar.window_size,
            virtual_size=bar.virtual_size,
            position=bar.position,
            vertical=True,
            thickness=width,
            back_color=style.bgcolor or Color.parse("#555555"),
            bar_color=style.color or Color.parse("bright_magenta"),
        )
        base = self.rich_style  # under each segment, as Textual's visuals put it
        return [Strip([Segment(s.text, base + s.style)], width) for s in segments.segments]

    def _values_changed(self) -> None:
        # Decided once the caller has set all the values: a new line moves both the range and
        # the position, and in between the thumb would seem to move.
        if not self._check_pending:
            self._check_pending = True
            self.call_later(self._redraw_if_moved)

    def _redraw_if_moved(self) -> None:
        self._check_pending = False
        if self.thumb() != self._drawn:
            self.refresh()

    def watch_window_virtual_size(self) -> None:
        self._values_changed()

    def watch_window_size(self) -> None:
        self._values_changed()

    def watch_position(self) -> None:
        self._values_changed()


def attach(widget: Widget) -> ThumbBar:
    """Create ``widget``'s vertical scrollbar as a `ThumbBar` (as `Widget.vertical_scrollbar`
    creates a plain one)."""
    bar = ThumbBar(vertical=True, name="vertical", thickness=widget.scrollbar_size_vertical)
    bar.display = False
    widget._vertical_scrollbar = bar
    widget.app._start_widget(widget, bar)
    return bar


__all__ = ["ThumbBar", "attach"]
