"""Wrapped lines laid out for one screen only.

With wrap on, a line takes as many rows as its width needs. Laying out the whole scrollback
would cost what the input costs; instead only the rows on screen are laid out, anchored at
the top line or, when following, at the bottom.
"""

from __future__ import annotations

from collections.abc import Callable

Rows = list[tuple[int, int]]
"""``(visible index, row within that line)`` for each screen row."""


def screen_rows(
    count: int, top: int, at_end: bool, height: int, rows_of: Callable[[int], int]
) -> Rows:
    """The screen's rows.

    Args:
        count: Visible lines.
        top: Visible index of the top line (when not ``at_end``).
        at_end: Lay out upwards from the newest line.
        height: Screen rows.
        rows_of: Rows a visible line takes at the current width.
    """
    rows: Rows = []
    if at_end:
        index = count - 1
        while index >= 0 and len(rows) < height:
            rows[:0] = [(index, r) for r in range(rows_of(index))]
            index -= 1
        return rows[-height:] if len(rows) > height else rows
    index = top
    while index < count and len(rows) < height:
        rows.extend((index, r) for r in range(rows_of(index)))
        index += 1
    return rows[:height]


class WrappedScreen:
    """The screen's rows with wrap on, laid out again only when what they hang on changes."""

    def __init__(self) -> None:
        self._key: tuple[int, ...] | None = None
        self._rows: Rows = []

    def clear(self) -> None:
        self._key = None

    def rows(
        self,
        key: tuple[int, ...],
        count: int,
        top: int,
        at_end: bool,
        height: int,
        rows_of: Callable[[int], int],
    ) -> Rows:
        """`screen_rows`, or the last ones when ``key`` (all they hang on) is the same."""
        if key != self._key:
            self._rows = screen_rows(count, top, at_end, height, rows_of)
            self._key = key
        return self._rows
