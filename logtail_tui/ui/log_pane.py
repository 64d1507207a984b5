"""The log pane: a Line-API ScrollView over the filtered view of the store.

Only visible lines are ever rendered, each once, into a small LRU cache of strips keyed by
absolute line number (absolute numbers survive eviction, so the cache stays valid). The
pane never owns data: the app appends to the store, then calls `sync`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Offset, Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from logtail_tui.core.record import Record
from logtail_tui.core.scrollback import Scrollback
from logtail_tui.core.search import SearchQuery
from logtail_tui.core.view import View
from logtail_tui.ui import keymap
from logtail_tui.ui.kept_styles import KeptStyles
from logtail_tui.ui.line_render import styled_line
from logtail_tui.ui.long_lines import drawn_strip
from logtail_tui.ui.marking import Marks, with_gutter
from logtail_tui.ui.pane_style import COMPONENT_CLASSES, PANE_CSS
from logtail_tui.ui.shifted_rows import ShiftedRows
from logtail_tui.ui.thumb_bar import attach
from logtail_tui.ui.wrap import Rows, WrappedScreen


class LogPane(ScrollView, can_focus=True):
    """Shows the view; follows new lines until the user pauses or scrolls away."""

    COMPONENT_CLASSES = COMPONENT_CLASSES
    DEFAULT_CSS = PANE_CSS

    BINDINGS = keymap.bindings("pane")

    following: reactive[bool] = reactive(True)
    """Whether the pane keeps the newest line in view."""
    wrap: reactive[bool] = reactive(False)
    show_times: reactive[bool] = reactive(True)
    show_levels: reactive[bool] = reactive(True)
    """Whether structured records show their level word (text lines carry theirs inline)."""

    class FollowChanged(Message):
        """Following was paused or resumed."""

        def __init__(self, following: bool) -> None:
            super().__init__()
            self.following = following

    def __init__(
        self,
        scrollback: Scrollback,
        source_labels: Sequence[str] = (),
        *,
        utc: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.scrollback = scrollback  # what is shown; the pane keeps none of its state
        self.source_labels = source_labels  # the app's one list (shared, not copied)
        self.utc = utc  # show record times in UTC instead of the local zone
        self.cursor: int | None = None  # visible index of the selected line; None: following
        self.new_while_paused = 0  # visible lines that arrived since following was paused
        self.marks = Marks()  # drawn by ui/marking.py
        self.columns: Callable[[Record], Record] | None = None
        self._cache: LRUCache[int, Strip] = LRUCache(1024)
        self._shifted = ShiftedRows()
        self.component_style = KeptStyles(self)  # the pane is refreshed at each batch
        self._max_width = 0
        self._pass: tuple[Style, int, Offset] | None = None  # set by render_lines
        self._wrapped = WrappedScreen()

    @property
    def vertical_scrollbar(self) -> ScrollBar:  # redrawn only when its thumb moves
        return self._vertical_scrollbar or attach(self)

    # -- data --------------------------------------------------------------------------
    def sync(self, update: Callable[[], object] | None = None) -> None:
        """Apply ``update`` (which appends to the store) and catch up with it.

        The view's position is read before the update so that a paused view stays on the
        same lines and the count of new lines is exact, even as old lines are evicted.
        """
        view = self.view
        top_number = self._top_number()
        cursor_number = (
            view[self.cursor] if self.cursor is not None and self.cursor < len(view) else None
        )
        old_last = view[len(view) - 1] if len(view) else None
        if update is not None:
            update()
        self.scrollback.sync()
        new_len = len(view)
        # Old lines still in the view (some may have been evicted); the rest are new.
        kept = view.index_of(old_last + 1) if old_last is not None else 0
        if not self.following:
            self.new_while_paused += new_len - kept
        self._measure(kept)
        self._update_virtual_size()
        if self.following:
            self._scroll_to_end()
        else:
            # Keep the paused view on the same lines even as older ones are evicted.
            if cursor_number is not None:
                self.cursor = min(view.index_of(cursor_number), max(0, new_len - 1))
            if top_number is not None and not self.wrap:
                self.scroll_to(
                    y=view.index_of(top_number), animate=False, immediate=True, force=True
                )
        self.refresh()

    def reset(self) -> None:
        """The view changed wholesale (filter, clear, wrap, width): drop caches and re-lay out."""
        self._cache.clear()
        self._wrapped.clear()
        self._max_width = 0
        self._measure(0)
        if self.cursor is not None and self.cursor >= len(self.view):
            self.cursor = len(self.view) - 1 if len(self.view) else None
        self._update_virtual_size()
        if self.following:
            self._scroll_to_end()
        self.refresh()

    @property
    def view(self) -> View:
        return self.scrollback.view

    @property
    def query_(self) -> SearchQuery | None:
        """The search query to highlight (the scrollback's)."""
        return self.scrollback.query

    def query_changed(self) -> None:
        """The scrollback's query changed: redraw with its highlights."""
        self._cache.clear()
        self.refresh()

    def _measure(self, start: int) -> None:
        """Widen the horizontal scroll range for the new lines that reach the screen.

        Only lines that are drawn are measured (the cost is the screen, not the input); lines
        scrolled to later widen the range as they are rendered (`_full_strip`).
        """
        view = self.view
        height = max(1, self.scrollable_content_region.height)
        lo = max(start, len(view) - height)
        if lo < len(view):
            for i in range(lo, len(view)):
                self._full_strip(view[i])

    def _update_virtual_size(self) -> None:
        width = self.scrollable_content_region.width if self.wrap else self._max_width
        size, old = Size(width, len(self.view)), self.virtual_size
        if size.width == old.width and size.height >= old.height and self.show_vertical_scrollbar:
            # Taller only, the scrollbar already up: the scroll range and the thumb change,
            # nothing else is laid out (a layout redraws the whole screen at each new line).
            self.set_reactive(LogPane.virtual_size, size)
            self.vertical_scrollbar.window_virtual_size = size.height
            return
        self.virtual_size = size

    def _top_number(self) -> int | None:
        y = round(self.scroll_offset.y)
        return self.view[y] if 0 <= y < len(self.view) else None

    def _scroll_to_end(self) -> None:
        self.scroll_to(y=self.max_scroll_y, animate=False, immediate=True, force=True)

    # -- following ---------------------------------------------------------------------
    def watch_following(self, following: bool) -> None:
        if following:
            self.cursor = None
            self.new_while_paused = 0
            self._scroll_to_end()
        elif self.cursor is None and len(self.view):
            self.cursor = self._last_visible_index()
        self._cache.clear()
        self.refresh()
        self.refresh_bindings()
        self.post_message(self.FollowChanged(following))

    def watch_wrap(self) -> None:  # so do times and levels shown: every row is laid out anew
        self.reset()

    watch_show_times = watch_show_levels = watch_wrap

    def _last_visible_index(self) -> int:
        if self.wrap:
            rows = self._layout()
            return rows[-1][0] if rows else max(0, len(self.view) - 1)
        return min(
            len(self.view) - 1,
            round(self.scroll_offset.y) + self.scrollable_content_region.height - 1,
        )

    def pause(self) -> None:
        self.following = False

    def action_toggle_pause(self) -> None:
        self.following = not self.following

    def action_follow(self) -> None:
        self.following = True

    action_resume = action_follow

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # space is "Pause" while following and "Resume" while paused (one key, two labels).
        if action == "toggle_pause":
            return self.following
        if action == "resume":
            return not self.following
        return True

    def action_top(self) -> None:
        self.following = False
        self.cursor = 0 if len(self.view) else None
        self.scroll_to(y=0, animate=False, immediate=True, force=True)
        self.refresh()

    def go_to(self, index: int) -> None:
        """Select visible line ``index`` and bring it into view (pauses following)."""
        if not len(self.view):
            return
        index = max(0, min(index, len(self.view) - 1))
        self.following = False
        self.cursor = index
        height = self.scrollable_content_region.height
        y = round(self.scroll_offset.y)
        if not (y <= index < y + height) or self.wrap:
            self.scroll_to(y=max(0, index - height // 3), animate=False, immediate=True, force=True)
        self.refresh()

    def action_cursor_up(self) -> None:
        if self.cursor is None:
            self.following = False
        self.go_to((self.cursor if self.cursor is not None else len(self.view)) - 1)

    def action_cursor_down(self) -> None:
        if self.cursor is None or self.cursor >= len(self.view) - 1:
            return
        self.cursor += 1
        height = self.scrollable_content_region.height
        if self.cursor >= round(self.scroll_offset.y) + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True, force=True)
        self.refresh()

    def action_page_up(self) -> None:
        height = self.scrollable_content_region.height
        self.following = False
        self.scroll_to(
            y=max(0, self.scroll_offset.y - height), animate=False, immediate=True, force=True
        )
        if self.cursor is not None:
            self.cursor = max(0, self.cursor - height)
        self.refresh()

    def action_page_down(self) -> None:
        height = self.scrollable_content_region.height
        self.scroll_to(y=self.scroll_offset.y + height, animate=False, immediate=True, force=True)
        if self.cursor is not None:
            self.cursor = min(len(self.view) - 1, self.cursor + height)
        self.refresh()

    def _on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        # Scrolling back through history pauses following, as in every terminal viewer.
        self.following = self.following and not self.allow_vertical_scroll

    def _on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        # Wheeling back down to the newest line follows again (after the scroll is done).
        if not self.following:
            self.call_after_refresh(self._follow_if_at_end)

    def _follow_if_at_end(self) -> None:
        self.following = self.following or self.scroll_offset.y >= self.max_scroll_y

    def _on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = self._index_at_row(offset.y)
        if index is not None:
            self.go_to(index)

    def _index_at_row(self, row: int) -> int | None:
        if self.wrap:
            rows = self._layout()
            return rows[row][0] if row < len(rows) else None
        index = round(self.scroll_offset.y) + row
        return index if index < len(self.view) else None

    def selected_number(self) -> int | None:
        """Absolute number of the selected line, or of the newest visible one when following."""
        if not len(self.view):
            return None
        index = self.cursor if self.cursor is not None else len(self.view) - 1
        return self.view[min(index, len(self.view) - 1)]

    # -- rendering ---------------------------------------------------------------------
    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()
        self._shifted.forget()

    def on_resize(self) -> None:
        if self.wrap:
            self.reset()

    def _full_strip(self, number: int) -> Strip:
        cached = self._cache.get(number)
        if cached is not None:
            return cached
        text, extra = styled_line(self, number)
        strip = drawn_strip(text, extra, self.app.console)
        self._cache[number] = strip
        width = strip.cell_length
        if width > self._max_width:
            self._max_width = width
            if not self.wrap:
                self.call_later(self._widen)
        return strip

    def _widen(self) -> None:
        self._update_virtual_size()
        if self.following:  # a horizontal scrollbar may now cover the newest line
            self.call_after_refresh(self._keep_following)

    def _keep_following(self) -> None:
        if self.following:  # still: a key may have paused it since (g, a search hit...)
            self._scroll_to_end()

    def render_lines(self, crop: Region) -> list[Strip]:
        # Style, width and offset once a pass, not once a row: ``rich_style`` walks the tree.
        self._pass = self._shared()
        self._shifted.begin(self, top := self._pass[2].y)  # rows only moved: not restyled
        try:
            return super().render_lines(crop)
        finally:
            self._shifted.end(self, top)
            self._pass = None

    def _shared(self) -> tuple[Style, int, Offset]:
        return self.rich_style, self.scrollable_content_region.width, self.scroll_offset

    def render_line(self, y: int) -> Strip:
        return self._shifted.seen(y, self._row(y))

    def _row(self, y: int) -> Strip:
        base, width, (scroll_x, scroll_y) = self._pass or self._shared()
        if self.wrap:
            return self._render_wrapped(y, width, base)
        index = scroll_y + y
        if index >= len(self.view):
            return Strip.blank(width, base)
        strip = self._full_strip(self.view[index]).crop_extend(scroll_x, scroll_x + width, base)
        return self._decorate(strip, index, base)

    def _decorate(self, strip: Strip, index: int, base: Style) -> Strip:
        strip = with_gutter(self, strip, self.view[index])
        if index == self.cursor and not self.following:
            # A post-style, so the highlight wins over each segment's own background.
            cursor = self.component_style("log-pane--cursor")
            return Strip(Segment.apply_style(strip, post_style=cursor), strip.cell_length)
        return strip

    # -- wrapping: only the rows on screen are laid out (ui/wrap.py).
    def _layout(self) -> Rows:
        view, region = self.view, self.scrollable_content_region
        width, top = max(1, region.width), round(self.scroll_offset.y)
        at_end = self.following or top >= self.max_scroll_y
        key = (top, at_end, len(view), width, region.height, view[0] if len(view) else -1)

        def rows_of(i: int) -> int:
            return max(1, -(-self._full_strip(view[i]).cell_length // width))

        return self._wrapped.rows(key, len(view), top, at_end, region.height, rows_of)

    def _render_wrapped(self, y: int, width: int, base: Style) -> Strip:
        rows = self._layout()
        if y >= len(rows):
            return Strip.blank(width, base)
        index, row = rows[y]
        strip = self._full_strip(self.view[index]).crop_extend(row * width, (row + 1) * width, base)
        return self._decorate(strip, index, base)


__all__ = ["LogPane"]
