"""An `Input` that shows pasted control characters instead of passing them on.

A paste arrives as it was copied, escape sequences included, and Textual's `Input` draws
its value as it is: pasting a log line holding ``ESC ] 0 ; ...`` into the filter bar would
retitle the terminal. Keys typed one by one cannot insert control characters; a paste can.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from logtail_tui.core.sanitize import visible


class SafeInput(Input):
    """`Input` whose pastes have their control characters made visible (``^[``)."""

    def _on_paste(self, event: events.Paste) -> None:
        # Textual calls each class's handler in turn, this one first: `Input`'s then inserts
        # the text as changed here.
        event.text = visible(event.text.splitlines()[0] if event.text else "")


__all__ = ["SafeInput"]
