"""Marker lines: something that happened to a source, shown in the log where it happened.

``tail -F`` prints "file truncated" between the lines; logtail puts a line like
``── file truncated; reading it from the start ──`` into the scrollback at that point (the pane
draws it dimmed; plain mode writes the event to standard error instead, as ``tail`` does). A
source announces it with ``StateChanged(..., mark=True)``; see docs/architecture.md,
"Marker lines".
"""

from __future__ import annotations

from logtail_tui.core.record import Batch, Level

MARK = "── "
"""How a marker line starts (a log line that starts so is merely drawn dimmed too)."""


def marker_batch(detail: str) -> Batch:
    """One marker line saying ``detail``."""
    return Batch([f"{MARK}{detail} ──"], [Level.NONE])


def is_marker(text: str) -> bool:
    return text.startswith(MARK)
