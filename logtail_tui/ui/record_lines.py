"""What the pane and the line actions make of multi-line records (docs/architecture.md,
"Records"): a dim mark before continuation lines, and the whole record for detail and copy."""

from __future__ import annotations

from collections.abc import Callable

from rich.style import Style
from rich.text import Text

from logtail_tui.core.record import Record
from logtail_tui.core.record_spans import is_start, record_range
from logtail_tui.core.store import LogStore

MARK = "│ "
"""Drawn before each continuation line, dim, so a record's lines read as one block."""


def mark_continued(text: Text, store: LogStore, number: int, style: Callable[[str], Style]) -> Text:
    """``text`` (line ``number`` as drawn) with the record mark when it continues a record."""
    if is_start(store, number):
        return text
    marked = Text(MARK, style("log-pane--time"), no_wrap=True, end="")
    marked.append_text(text)
    return marked


def whole_record(store: LogStore, number: int) -> tuple[range, Record]:
    """The lines of the record holding line ``number`` and one `Record` for all of them: the
    header's level, time and source, the lines' texts joined by line feeds."""
    lines = record_range(store, number)
    header = store.record(lines.start)
    if len(lines) == 1:
        return lines, header
    text = "\n".join(store.text(n) for n in lines)
    raw = None
    if header.raw is not None:
        raw = "\n".join(store.raw(n) or store.text(n) for n in lines)
    return lines, Record(text, header.level, header.time, raw, header.source)


def export_record(store: LogStore, lines: range) -> str:
    """The record's lines as copy writes them (raw originals where there are some)."""
    return "\n".join(store.export(n) for n in lines)
