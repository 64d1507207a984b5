"""Rows that only moved are moved by the terminal (docs/architecture.md, "The terminal scrolls
the pane").

When a followed log takes a line, every row of the pane moves up one and Textual writes the
whole pane again: about 7 KB a frame at 120x40, which the terminal (or SSH, and tmux on the
way) must take in: it was about a quarter of the time from an append to the line reaching
the terminal, and over SSH it is bandwidth. `TerminalRows` remembers what each terminal row holds (the text written
for each of its chops, Textual's pieces of a line between widget edges). When the rows of a
region now hold what the rows ``k`` below them held, it has the terminal scroll that region by
``k`` (a VT100 scroll region and a delete of ``k`` lines at its top, which every terminal
Textual runs in has, and which unlike an index at its bottom never pushes lines into the
terminal's scrollback) and writes only the chops that then differ: the new line, the moved
scrollbar thumb, the status bar.

Only what was written is trusted: a row is known from a full update (every chop of it) and
kept up to date from partial ones. A row written in part, a size change, or anything unknown
in the region means no scroll, and the update is written as Textual made it. What others write
to the terminal (a job in the background, ``wall``, a cleared screen, a resume after Ctrl+Z)
is not seen: the app redraws in full on resume and on Ctrl+L, and the rows are forgotten every
`HEAL_AFTER` seconds, so that such damage lasts no longer than with Textual's own writes.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable, Sequence
from typing import Any

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.segment import Segment
from textual._compositor import ChopsUpdate, CompositorUpdate, LayoutUpdate
from textual.screen import Screen
from textual.widget import Widget

Row = dict[int, str]
"""A terminal row: the x where each chop starts -> the text written for it."""

MAX_SHIFT = 8
"""Shifts looked for: a followed log moves by the lines of one batch between frames."""

HEAL_AFTER = 10.0
"""Seconds after which the rows are forgotten: the next update goes out as Textual made it."""

ENABLED = os.environ.get("LOGTAIL_SCROLL_REGION") != "0"
"""``LOGTAIL_SCROLL_REGION=0``: every update goes out as Textual made it."""


def to_send(
    app: Any, rows: TerminalRows, screen: Screen, update: RenderableType | None, pane: Widget
) -> RenderableType | None:
    """What `App._display` should send for ``update``: ``rows`` follow what reaches the
    terminal, and ``pane``'s lines may be scrolled by it. Anything unexpected, and the update
    goes as Textual made it, ``rows`` forgetting what they knew."""
    if not isinstance(update, CompositorUpdate):
        return update
    driver = app._driver
    if (
        not app._running  # the guards under which `App._display` writes at all
        or app._closed
        or app.is_headless
        or driver is None
        or app._batch_count
        or driver.is_inline
        or screen is not app.screen
        or not ENABLED
    ):
        rows.forget()
        return update
    try:
        return rows.update(update, app.console, screen._compositor.cuts, pane_lines(pane, screen))
    except Exception:  # never worse than Textual's own update
        rows.forget()
        return update


def pane_lines(pane: Widget, screen: Screen) -> tuple[int, int] | None:
    """The first and last screen line of ``pane`` when ``screen`` shows it."""
    if pane.screen is not screen or not pane.display or pane.region.height < 3:
        return None
    return pane.region.y, pane.region.bottom - 1


class Written(CompositorUpdate):
    """An update already made into what the terminal is sent."""

    def __init__(self, text: str) -> None:
        self.text = text

    def render_segments(self, console: Console) -> str:
        return self.text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield Segment(self.text)


class TerminalRows:
    """What each row of the terminal holds, as written; see the module's docstring."""

    def __init__(self) -> None:
        self.rows: list[Row | None] = []
        self.cuts: list[tuple[int, ...]] = []
        """The cuts each row was written with."""
        self.scrolls = 0
        """Updates sent as a scroll (for tests)."""
        self.learnt_at = time.monotonic()

    def forget(self) -> None:
        self.rows, self.cuts, self.learnt_at = [], [], time.monotonic()

    def update(
        self,
        update: CompositorUpdate,
        console: Console,
        cuts: Sequence[Sequence[int]],
        region: tuple[int, int] | None,
    ) -> CompositorUpdate:
        """What to send for ``update``: itself, or a scroll of ``region`` (first and last
        screen line) and the chops that then differ.

        Args:
            update: Textual's update of the screen.
            console: The app's console, which renders strips.
            cuts: The compositor's cuts: each line's chop starts, then its width.
            region: Lines that may be scrolled together (the log pane's), or ``None``.
        """
        if time.monotonic() - self.learnt_at > HEAL_AFTER:
            self.forget()
        if len(self.rows) != len(cuts):
            self.rows, self.cuts = [None] * len(cuts), [()] * len(cuts)
        if isinstance(update, LayoutUpdate):
            self._record_layout(update, console, cuts)
            return update
        if not isinstance(update, ChopsUpdate):
            self.forget()
            return update
        writes, changed = self._changes(update, console, cuts)
        scroll = self._scroll(changed, region, cuts) if region is not None else None
        out: list[str] = []
        top, bottom, k = scroll if scroll is not None else (0, -1, 0)
        if k:  # the region's top k lines deleted: the rest moves up, blank lines come in below
            out.append(f"\x1b[0m\x1b[{top + 1};{bottom + 1}r\x1b[{top + 1};1H\x1b[{k}M\x1b[r")
            self.scrolls += 1
        for y in sorted(set(writes).union(range(top, bottom + 1))):
            now = changed.get(y, self.rows[y])
            if top <= y <= bottom:  # what the terminal shows there once scrolled
                before = self.rows[y + k] if y + k <= bottom else {}
            else:
                before = self.rows[y]
            if now is None or before is None:  # not all known: as Textual wrote it
                out.extend(_at(y, x, text) for x, text in writes.get(y, ()))
                continue
            out.extend(_at(y, x, text) for x, text in now.items() if before.get(x) != text)
        for y, row in changed.items():
            self.rows[y], self.cuts[y] = row, tuple(cuts[y])
        return Written("".join(out))

    def _record_layout(
        self, update: LayoutUpdate, console: Console, cuts: Sequence[Sequence[int]]
    ) -> None:
        region = update.region
        for i, line in enumerate(update.strips):
            y = region.y + i
            if not 0 <= y < len(cuts):
                continue
            strips = list(line)
            starts = cuts[y][:-1]
            if region.x != 0 or len(strips) != len(starts):
                self.rows[y] = None
                continue
            self.rows[y] = {x: strip.render(console) for x, strip in zip(starts, strips, strict=True)}
            self.cuts[y] = tuple(cuts[y])

    def _changes(
        self, update: ChopsUpdate, console: Console, cuts: Sequence[Sequence[int]]
    ) -> tuple[dict[int, list[tuple[int, str]]], dict[int, Row | None]]:
        """The writes Textual would make (by line: x, text), and the rows they leave
        (``None``: not all known)."""
        writes: dict[int, list[tuple[int, str]]] = {}
        whole: dict[int, Row] = {}
        cropped: set[int] = set()
        for y, x1, x2 in update.spans:
            for end, (x, strip) in zip(update.chop_ends[y], update.chops[y].items(), strict=False):
                if strip is None or x > x2 or end <= x1:
                    continue
                if x2 > x >= x1 and end <= x2:
                    text = whole.setdefault(y, {})[x] = strip.render(console)
                else:
                    text = strip.crop(0, min(end, x2) - x).render(console)
                    cropped.add(y)
                writes.setdefault(y, []).append((x, text))
        changed: dict[int, Row | None] = {}
        for y in writes:
            # A row is known from before only if its chops are where they were written.
            old = self.rows[y] if self.cuts[y] == tuple(cuts[y]) else None
            new = whole.get(y, {})
            if y in cropped:
                changed[y] = None
            elif old is not None:
                changed[y] = {**old, **new}
            else:  # known again once every chop of it is written whole
                changed[y] = new if set(new) == set(cuts[y][:-1]) else None
        return writes, changed

    def _scroll(
        self,
        changed: dict[int, Row | None],
        region: tuple[int, int],
        cuts: Sequence[Sequence[int]],
    ) -> tuple[int, int, int] | None:
        """``(top, bottom, k)``: the region's rows now hold most often what the rows ``k``
        below held (0: where they were), every row in it being known before and after."""
        top, bottom = region
        if not 0 <= top < bottom < len(self.rows):
            return None
        old = self.rows[top : bottom + 1]
        new = [changed.get(y, self.rows[y]) for y in range(top, bottom + 1)]
        if not _all_known(old, new, cuts[top : bottom + 1]):
            return None
        height = bottom - top + 1
        best, best_k = sum(a == b for a, b in zip(new, old, strict=True)), 0
        for k in range(1, min(MAX_SHIFT, height - 1) + 1):
            same = sum(new[i] == old[i + k] for i in range(height - k))
            if same > best:
                best, best_k = same, k
        return (top, bottom, best_k)


def _at(y: int, x: int, text: str) -> str:
    """``text`` written from column ``x`` of line ``y`` (as Rich's ``Control.move_to``)."""
    return f"\x1b[{y + 1};{x + 1}H{text}"


def _all_known(
    old: Iterable[Row | None], new: Iterable[Row | None], cuts: Iterable[Sequence[int]]
) -> bool:
    """Every row known, before and after, with a chop at each of its line's cuts."""
    for before, now, line_cuts in zip(old, new, cuts, strict=True):
        starts = set(line_cuts[:-1])
        if before is None or now is None or set(before) != starts or set(now) != starts:
            return False
    return True
