"""How the log pane looks: a component class per level, and the pane's default CSS.

Lines are painted with styles looked up from these component classes, so themes and
``app.tcss`` can restyle levels, times, source tags, matches and the cursor.
"""

from __future__ import annotations

from logtail_tui.core.record import Level

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
}

PANE_CSS = """
LogPane {
    background: $surface;
    color: $foreground;
    scrollbar-gutter: stable;
}
LogPane > .log-pane--plain { }
LogPane > .log-pane--trace { color: $foreground 45%; }
LogPane > .log-pane--debug { color: $foreground 60%; }
LogPane > .log-pane--info { }
LogPane > .log-pane--notice { color: $success; }
LogPane > .log-pane--warning { color: $warning; }
LogPane > .log-pane--error { color: $error; }
LogPane > .log-pane--critical { color: $text; background: $error 60%; text-style: bold; }
LogPane > .log-pane--time { color: $primary-lighten-2; }
LogPane > .log-pane--source { color: $secondary; }
LogPane > .log-pane--source-0 { color: $secondary; }
LogPane > .log-pane--source-1 { color: $accent; }
LogPane > .log-pane--source-2 { color: $success-lighten-1; }
LogPane > .log-pane--source-3 { color: $primary-lighten-3; }
LogPane > .log-pane--source-4 { color: $warning-lighten-2; }
LogPane > .log-pane--source-5 { color: $secondary-lighten-3; }
LogPane > .log-pane--match { background: $warning 70%; color: $background; }
LogPane > .log-pane--cursor { background: $primary 35%; }
"""
