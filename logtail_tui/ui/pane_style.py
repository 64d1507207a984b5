"""How the log pane looks: a component class per level, and the pane's default CSS.

Lines are painted with styles looked up from these component classes, so themes and
``app.tcss`` can restyle levels, times, source tags, matches and the cursor. Their colours
are theme variables (``$log-error``...), set or derived per theme in ``ui/themes.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.style import Style
from rich.text import Text

from logtail_tui.core.markers import is_marker
from logtail_tui.core.record import Level, Record
from logtail_tui.core.times import format_time

TIME_WIDTH = 31
"""Cells of the time column of structured records: RFC 3339 to milliseconds with the zone
offset (``2026-12-01T03:35:16.123+01:00``) and two spaces; longer times push the line."""

LEVEL_CLASS: dict[int, str] = {
    Level.NONE: "log-pane--plain",
    Level.TRACE: "log-pane--trace",
    Level.DEBUG: "log-pane--debug",
    Level.INFO: "log-pane--info",
    Level.NOTICE: "log-pane--notice",
    Level.WARNING: "log-pane--warning",
    Level.ERROR: "log-pane--error",
    Level.CRITICAL: "log-pane--critical",
}
"""The component class that colours each level."""

SOURCE_CLASSES = tuple(f"log-pane--source-{k}" for k in range(6))
"""Tag colours of sources 0, 1, 2...: each source keeps its own, cycling after six."""


def source_class(source: int) -> str:
    """The component class of source ``source``'s tag."""
    return SOURCE_CLASSES[source % len(SOURCE_CLASSES)]


COMPONENT_CLASSES = {
    *LEVEL_CLASS.values(),
    *SOURCE_CLASSES,
    "log-pane--time",
    "log-pane--source",
    "log-pane--match",
    "log-pane--cursor",
    "log-pane--mark",
    "log-pane--marker",
}

PANE_CSS = """
LogPane {
    background: $surface;
    color: $foreground;
    scrollbar-gutter: stable;
}
LogPane > .log-pane--plain { }
LogPane > .log-pane--trace { color: $log-trace; }
LogPane > .log-pane--debug { color: $log-debug; }
LogPane > .log-pane--info { color: $log-info; }
LogPane > .log-pane--notice { color: $log-notice; }
LogPane > .log-pane--warning { color: $log-warning; }
LogPane > .log-pane--error { color: $log-error; }
LogPane > .log-pane--critical {
    color: $log-critical; background: $log-critical-background; text-style: bold;
}
LogPane > .log-pane--time { color: $log-time; }
LogPane > .log-pane--source { color: $log-source-0; }
LogPane > .log-pane--source-0 { color: $log-source-0; }
LogPane > .log-pane--source-1 { color: $log-source-1; }
LogPane > .log-pane--source-2 { color: $log-source-2; }
LogPane > .log-pane--source-3 { color: $log-source-3; }
LogPane > .log-pane--source-4 { color: $log-source-4; }
LogPane > .log-pane--source-5 { color: $log-source-5; }
LogPane > .log-pane--match { background: $log-match-background; color: $log-match; }
LogPane > .log-pane--cursor { background: $log-cursor-background; }
LogPane > .log-pane--mark { color: $accent; background: $accent 15%; }
LogPane > .log-pane--marker { color: $text-muted; text-style: italic; }
"""


def component_style(style: Callable[[str], Style], name: str) -> Style:
    """``style(name)`` (a widget's style for component class ``name``); plain until the
    stylesheet has reached the widget (a flush can draw before the first paint;
    `LogPane.notify_style_update` then drops what was drawn)."""
    try:
        return style(name)
    except KeyError:
        return Style()


def line_text(
    record: Record,
    style: Callable[[str], Style],
    *,
    utc: bool = False,
    times: bool = True,
    levels: bool = True,
    labels: Sequence[str] = (),
) -> Text:
    """One record as the pane draws it: ``TIME LEVEL [source] text``.

    Text lines carry their time and level inline; only structured records (those with a raw
    original) get the time column (in one zone, never cut) and the level word, so that a
    level read from a field is never just a colour.

    Args:
        record: What to draw.
        style: Looks up a component class's style.
        utc: Show times in UTC rather than the local zone.
        times, levels: Whether the time column and the level word are on.
        labels: Source names; a tag is shown when there are several.
    """
    line_style = style(LEVEL_CLASS.get(record.level, "log-pane--plain"))
    if is_marker(record.text):  # a source's event (file truncated...), not a log line
        line_style = style("log-pane--marker")
    text = Text(no_wrap=True, end="")
    if times and record.time:
        text.append(f"{format_time(record.time, utc):<{TIME_WIDTH - 2}}  ", style("log-pane--time"))
    if levels and record.raw is not None and record.level:
        text.append(f"{Level(record.level).label:<5} ", line_style)
    if len(labels) > 1:
        source = record.source
        label = labels[source] if source < len(labels) else "?"
        text.append(f"[{label}] ", style(source_class(source)))
    text.append(record.text, line_style)
    return text
