"""What the pane draws of a long line: its first `DRAW_LIMIT` characters and a marker.

A 10 MB line reaches the store as 64 KiB pieces (the decoder's `--max-line-length`) or as one
line of a file chunk. Drawing a piece whole costs per character in rich (measuring cells,
cropping to the screen) on every redraw of every visible row, so the pane draws the start of
the line only and says how much more there is; ``enter`` shows the line and ``y`` copies all
of it (docs/architecture.md, "Huge lines").
"""

from __future__ import annotations

import re
from dataclasses import replace

from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from logtail_tui.core.decoder import CONTINUED
from logtail_tui.core.record import Record

DRAW_LIMIT = 4096
"""Characters of a record's text the pane draws (and scrolls across horizontally)."""

MARKER_STYLE = Style(dim=True, italic=True)

# A file line longer than --max-line-length already ends with the count the store cut.
_STORE_CUT = re.compile(rf" {CONTINUED}\[([\d,]+) more characters\]$")


def clip(record: Record, limit: int = DRAW_LIMIT) -> tuple[Record, int]:
    """``record`` with its text cut to ``limit`` characters, and how many were cut."""
    extra = len(record.text) - limit
    if extra <= 0:
        return record, 0
    cut = _STORE_CUT.search(record.text, len(record.text) - 48)
    if cut is not None:
        extra += int(cut.group(1).replace(",", "")) - len(cut.group(0))
    return replace(record, text=record.text[:limit]), extra


def marker(extra: int) -> str:
    """The note after a cut line."""
    return f" {CONTINUED}[{extra:,} more characters: enter shows the line, y copies it]"


def drawn_strip(text: Text, extra: int, console: Console) -> Strip:
    """Render ``text`` (plus the marker when ``extra`` characters were cut) into a strip.

    Markers are segments of their own, so the line's body keeps rich's fast path for text of
    single-cell characters; the strip's width is the sum of its segments'.
    """
    # A continuation piece starts with the non-ASCII marker: give it its own segment too.
    at = text.plain.find(CONTINUED, 0, 256)
    if at >= 0:
        text.stylize(MARKER_STYLE, at, at + len(CONTINUED))
    if extra:
        text.append(marker(extra), MARKER_STYLE)
    segments = list(text.render(console))
    return Strip(segments, sum(segment.cell_length for segment in segments))
