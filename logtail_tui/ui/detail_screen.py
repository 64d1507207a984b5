"""The line detail screen: everything known about one record, fields and pretty JSON.

Log content is hostile: every piece of it is shown as `rich.text.Text` (or through
rich's `JSON` renderable, which highlights but never parses markup), so a line holding
``[bold]`` or ``[link=...]`` is shown as typed.

Usage::

    self.push_screen(DetailScreen(record, source_label="api.log", number=42))
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from rich.json import JSON
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from logtail_tui.core.fields import parse_logfmt
from logtail_tui.core.record import Level, Record
from logtail_tui.core.sanitize import sanitize

MAX_FIELDS = 200
"""Fields listed at most: a hostile object may have a million keys; the JSON view shows all."""
MAX_PRETTY = 256 * 1024
"""Raw payloads longer than this are shown as raw text only (highlighting is slow)."""
MAX_DEPTH = 64
"""Deeper JSON is shown as raw text only: pretty-printing and flattening recurse."""

MAX_SHOWN = 16 * 1024
"""Characters of message and raw text shown: Textual wraps ~100 KB/s, so a 64 KB line
would take half a second to open; ``y`` still copies all of it."""
MAX_KEY_WIDTH = 32
"""Longer field names push their value along instead of widening the key column."""


def json_payload(raw: str | None) -> Any | None:
    """The decoded JSON object or array in ``raw``, or ``None`` if it holds none."""
    if not raw or len(raw) > MAX_PRETTY:
        return None
    stripped = raw.lstrip()
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value = json.loads(stripped)
    except (ValueError, RecursionError):  # '[[[[...' nested 5,000 deep is valid JSON
        return None
    if not isinstance(value, dict | list) or _too_deep(value):
        return None
    return _inert(value)


def _inert(value: Any) -> Any:
    """``value`` with every string sanitised: JSON escapes such as ``\\u009b`` decode to
    raw controls that rich would print as they are (depth is bounded by `_too_deep`)."""
    if isinstance(value, str):
        return sanitize_lines_of(value)
    if isinstance(value, dict):
        return {sanitize(str(k)): _inert(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_inert(v) for v in value]
    return value


def _too_deep(value: Any) -> bool:
    """Whether containers nest deeper than `MAX_DEPTH` (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_DEPTH:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return False


def flatten(obj: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """Yield ``(dotted.key, value)`` pairs; arrays and scalars are shown as compact JSON."""
    for key, value in obj.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and value:
            yield from flatten(value, f"{name}.")
        elif isinstance(value, str):
            yield name, value
        else:
            yield name, json.dumps(value, ensure_ascii=False)


def record_fields(record: Record, limit: int = MAX_FIELDS) -> tuple[list[tuple[str, str]], int]:
    """The record's fields, sanitised, from its JSON payload or its logfmt text.

    Returns:
        Up to ``limit`` ``(key, value)`` pairs, and how many more there were.
    """
    payload = json_payload(record.raw)
    if isinstance(payload, dict):
        found: list[tuple[str, str]] = []
        more = 0
        for pair in flatten(payload):
            if len(found) < limit:
                found.append(pair)
            else:
                more += 1
    else:
        pairs = list((parse_logfmt(record.raw or record.text) or {}).items())
        found, more = pairs[:limit], max(0, len(pairs) - limit)
    # json.loads turns "\u001b" back into a real escape character: sanitise again (a
    # multi-line value, such as a zap stacktrace, keeps its lines instead of ^J runs).
    return [(sanitize(key), sanitize_lines_of(value)) for key, value in found], more


def sanitize_lines_of(value: str) -> str:
    """``value`` made safe line by line, keeping its line breaks (``\r\n`` as ``\n``)."""
    if "\n" not in value:
        return sanitize(value)
    return "\n".join(map(sanitize, value.replace("\r\n", "\n").split("\n")))


def clipped(text: str, limit: int = MAX_SHOWN) -> Text:
    """``text`` as plain `Text` (never markup), cut at ``limit`` characters with a note."""
    if len(text) <= limit:
        return Text(text)
    shown = Text(text[:limit])
    shown.append(f" … {len(text) - limit:,} more characters (y copies the whole line)", "italic")
    return shown


def level_name(level: int) -> str:
    """Display name of a level number; no level shows as a dash."""
    try:
        return Level(level).name.lower() if level else "-"
    except ValueError:
        return str(level)


class DetailScreen(ModalScreen[None]):
    """Shows one record: number, source, level, time, message, fields, JSON and raw text."""

    BINDINGS = [
        Binding("escape,enter,q", "close", "Close"),
        Binding("y", "copy", "Copy raw line"),
    ]

    DEFAULT_CSS = """
    DetailScreen {
        align: center middle;
        #detail {
            width: 90%;
            height: 90%;
            padding: 0 1;
            background: $surface;
            border: thick $primary;
            border-subtitle-color: $text-muted;
        }
        .detail-heading { color: $accent; text-style: bold; margin: 1 0 0 0; }
        #detail-message, #detail-raw { text-wrap: wrap; }
    }
    """

    def __init__(
        self, record: Record, source_label: str, number: int, parsed_time: str | None = None
    ) -> None:
        """Args:
        record: The record to show (its text and raw are already sanitised).
        source_label: The source's label, as the status bar shows it.
        number: The line's number in the view, counted from 1.
        parsed_time: The time read from a text line (the store's time column), shown when
            the record has no time field.
        """
        self.parsed_time = parsed_time
        super().__init__()
        self.record = record
        """The record shown."""
        self.source_label = source_label
        """Label of the source that produced the record."""
        self.number = number
        """Line number shown in the title."""
        self.fields, self.more_fields = record_fields(record)
        """``(key, value)`` pairs shown in the fields table, and how many were left out."""
        self.payload = json_payload(record.raw)
        """The decoded JSON payload, if the raw text is JSON."""

    def compose(self) -> ComposeResult:
        record = self.record
        with VerticalScroll(id="detail") as container:
            container.border_title = f"Line {self.number}"
            container.border_subtitle = "escape close · y copy"
            summary = Table.grid(padding=(0, 2))
            summary.add_column(style="bold")
            summary.add_column()
            summary.add_row("Line", Text(str(self.number)))
            summary.add_row("Source", Text(sanitize(self.source_label)))
            summary.add_row("Level", Text(level_name(record.level)))
            summary.add_row("Time", Text(record.time or self.parsed_time or "-"))
            yield Static(summary, id="detail-summary")
            yield Static("Message", classes="detail-heading")
            yield Static(clipped(record.text), id="detail-message")
            if self.fields:
                yield Static("Fields", classes="detail-heading")
                yield Static(self._fields_text(), id="detail-fields")
            if self.payload is not None:
                yield Static("JSON", classes="detail-heading")
                yield Static(JSON.from_data(self.payload, ensure_ascii=False), id="detail-json")
            if record.raw is not None:
                yield Static("Raw", classes="detail-heading")
                yield Static(clipped(record.raw), id="detail-raw")

    def _fields_text(self) -> Text:
        # One Text, not a rich Table: Textual measures and renders a renderable several
        # times, and a Table of 200 rows took ~0.5 s where this takes a few ms.
        width = min(max(len(key) for key, _ in self.fields), MAX_KEY_WIDTH)
        text = Text(overflow="fold")
        for key, value in self.fields:
            text.append(key.ljust(width), style="bold")
            text.append("  ")
            # Later lines of a multi-line value line up under its first line.
            text.append(value.replace("\n", "\n" + " " * (width + 2)))
            text.append("\n")
        if self.more_fields:
            text.append(f"… {self.more_fields:,} more fields: see the JSON below\n", style="italic")
        text.rstrip()
        return text

    def on_mount(self) -> None:
        self.query_one("#detail", VerticalScroll).focus()

    def action_close(self) -> None:
        """Close the detail view."""
        self.dismiss(None)

    def action_copy(self) -> None:
        """Copy the raw line (or the text) to the clipboard; works over SSH via OSC 52."""
        self.app.copy_to_clipboard(self.record.raw or self.record.text)
        self.notify("Line copied to the clipboard.")
