"""Rows a scroll only moved keep their styled strips (docs/architecture.md, "A new line costs
one cheap frame").

Textual keeps a widget's finished rows (content with the CSS background, tint and opacity
applied) in its style cache, by row, and drops them all whenever the widget scrolls. When a
followed log takes a line, every row moves up one and all of them were styled again: most of
the frame. `ShiftedRows` remembers each row's content strip and finished strip; at the next
pass, a row whose content equals what the row ``d`` below it showed before a scroll of ``d``
takes that row's finished strip back, and only the rows that are new are styled.

The content comparison makes this safe whatever else changed (a search highlight, the cursor,
a mark): a row that differs is styled afresh. It only applies where the finished strip depends
on nothing but the content (no border, outline or padding), and is forgotten when the styles
change. It reaches into Textual's style cache (`_styles_cache`); if that is not there, every
row is styled as before.
"""

from __future__ import annotations

from typing import Any

from textual.strip import Strip
from textual.widget import Widget


class ShiftedRows:
    """The last pass of one widget's rows: content strips and finished (styled) strips."""

    def __init__(self) -> None:
        self._top = 0
        self._width = -1
        self._content: dict[int, Strip] = {}
        self._finished: dict[int, Strip] = {}
        self._seen: dict[int, Strip] | None = None
        self.reused = 0
        """Rows taken back since the widget was made (for tests)."""

    def forget(self) -> None:
        """Styles changed: no finished strip of before may be taken back."""
        self._content, self._finished = {}, {}

    def begin(self, widget: Widget, top: int) -> None:
        """Before ``widget`` renders its rows with its first row at line ``top``: hand the
        style cache the finished strips of rows that only moved up since the last pass."""
        self._seen = {}
        cache = _style_cache(widget)
        width = widget.region.width
        if cache is None or width != self._width:
            self._content, self._finished, self._width = {}, {}, width
            return
        shift, height = top - self._top, widget.region.height
        if not 0 <= shift < height or not self._finished:
            return
        stored, dirty = cache._cache, cache._dirty_lines
        content, finished = self._content, self._finished
        for y in range(height - shift):
            old = y + shift
            if (
                old in finished
                and (y in dirty or y not in stored)
                and widget.render_line(y) == content.get(old)
            ):
                stored[y] = finished[old]
                dirty.discard(y)
                self.reused += 1

    def seen(self, y: int, strip: Strip) -> Strip:
        """``strip`` is row ``y``'s content in this pass."""
        if self._seen is not None:
            self._seen[y] = strip
        return strip

    def end(self, widget: Widget, top: int) -> None:
        """After the pass: keep what the rows hold now.

        A pass may draw a single row (Textual asks for the one under the mouse), leaving
        others dirty in the style cache with their old finished strip: those are kept by
        neither side, or a later pass would pair their new content with the old strip.
        """
        seen, self._seen = self._seen or {}, None
        cache = _style_cache(widget)
        if cache is None:
            return
        dirty = cache._dirty_lines
        if top != self._top:
            self._content = {}
        self._content.update(seen)
        for y in dirty:
            self._content.pop(y, None)
        self._finished = {y: strip for y, strip in cache._cache.items() if y not in dirty}
        self._top = top


def _style_cache(widget: Widget) -> Any | None:
    """Textual's style cache of ``widget``, when a row's finished strip depends on nothing
    but its content there."""
    cache = getattr(widget, "_styles_cache", None)
    if not (hasattr(cache, "_cache") and hasattr(cache, "_dirty_lines")):
        return None
    styles = widget.styles
    if widget.region.size != widget.content_region.size:
        return None  # padding or a border: rows differ by where they are
    if any(edge for edge, _ in styles.outline):
        return None
    return cache
