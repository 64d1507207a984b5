"""Marks in the TUI: ``m`` toggles one on the selected line, ``'`` and ``"`` jump to the
next and previous visible one, and a gutter column shows them (docs/architecture.md,
"Marks"). The set of marks itself is `core/marks.py`, re-exported for the pane."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip

from logtail_tui.core.marks import Marks

__all__ = ["GUTTER", "MARK", "Gutter", "MarkController", "Marks", "with_gutter"]

if TYPE_CHECKING:
    from logtail_tui.ui.host import Host

GUTTER = 2
"""Cells of the gutter, drawn only while some line is marked (so nothing moves otherwise)."""
MARK = "▌ "


class Gutter(Protocol):
    """What `with_gutter` reads from the pane."""

    marks: Marks
    wrap: bool

    def get_component_rich_style(self, *names: str, partial: bool = False) -> Style: ...


def with_gutter(pane: Gutter, strip: Strip, number: int) -> Strip:
    """``strip`` (one screen row of line ``number``) with the mark gutter in front.

    Without wrapping the row gives up its last cells to the gutter (the line scrolls
    sideways as before); a wrapped line is not cut, so a marked one is tinted instead.
    """
    marks = pane.marks
    if not marks:
        return strip
    marked = number in marks
    style = pane.get_component_rich_style("log-pane--mark")
    if pane.wrap:
        if not marked:
            return strip
        return Strip(Segment.apply_style(strip, post_style=style), strip.cell_length)
    width = strip.cell_length
    cell = Segment(MARK if marked else " " * GUTTER, style if marked else None)
    return Strip([cell, *strip.crop(0, max(0, width - GUTTER))], width)


class MarkController:
    """What ``m``, ``'`` and ``"`` do; the marks live on the pane, which draws them."""

    def __init__(self, app: Host) -> None:
        self.app = app

    @property
    def marks(self) -> Marks:
        return self.app.pane.marks

    def toggle(self) -> None:
        app = self.app
        number = app.pane.selected_number()
        if number is None:
            return
        self.marks.forget_before(app.store.first)
        self.marks.toggle(number)  # the gutter shows it: no message needed
        app.pane.refresh()

    def jump(self, backwards: bool) -> None:
        app = self.app
        view, pane = app.view, app.pane
        if pane.cursor is not None and pane.cursor < len(view):
            here = view[pane.cursor]
        else:  # following: from the newest line backwards, from beyond it forwards
            here = view[len(view) - 1] + (1 if backwards else 0) if len(view) else 0
        candidates = self.marks.before(here) if backwards else self.marks.after(here)
        for number in candidates:
            if number in view:  # hidden by a filter: still marked, skipped for now
                pane.go_to(view.index_of(number))
                return
        hidden = " (some are hidden by the filter)" if len(candidates) else ""
        where = "earlier" if backwards else "later"
        if not self.marks:
            app.notify("No marks yet: press m on a line to mark it.", timeout=2, markup=False)
        else:
            app.notify(f"No {where} mark{hidden}.", timeout=1.5, markup=False)
