"""One line at the bottom: each source's state, follow/pause, and the counters."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from logtail_tui.sources.contract import State, StateChanged
from logtail_tui.ui.kept_styles import KeptStyles

_ICON = {
    State.WAITING: ("◌", "status-bar--waiting"),
    State.CONNECTING: ("◌", "status-bar--waiting"),
    State.LIVE: ("●", "status-bar--live"),
    State.RETRYING: ("↻", "status-bar--retrying"),
    State.COMPLETED: ("✔", "status-bar--completed"),
    State.FAILED: ("✖", "status-bar--failed"),
}


@dataclass(slots=True)
class Counts:
    received: int = 0
    shown: int = 0
    hidden: int = 0
    evicted: int = 0
    cleared: int = 0
    rate: float = 0.0
    new_while_paused: int = 0
    following: bool = True
    search: str = ""
    filter: str = ""
    busy: str = ""
    merge: str = ""
    """``merged by time`` while merge by time is on."""


def _fmt(n: int) -> str:
    return f"{n:,}"


def describe_state(s: StateChanged, last_heard: float | None = None, label: str = "") -> str:
    """Short phrase for a source's state, e.g. ``retrying in 4 s (attempt 3: 503 ...)``."""
    if s.state is State.RETRYING:
        left = s.retry_in - (time.monotonic() - s.at) if s.retry_in is not None else None
        when = f" in {max(0, round(left))} s" if left is not None else ""
        why = f": {s.detail}" if s.detail else ""
        return f"retrying{when} (attempt {s.attempt}{why})"
    words = s.state.value
    if s.state is State.FAILED and s.detail:
        detail = s.detail
        if label and detail.startswith(label):
            detail = detail[len(label) :].lstrip(" :")  # the bar shows the label already
        return f"failed: {detail}"
    if s.detail and s.state is not State.LIVE:
        words = f"{words}: {s.detail}" if s.state is not State.WAITING else s.detail
    if s.state is State.LIVE and s.progress is not None:
        words += f", indexing {s.progress:.0%}"
    if s.state is State.LIVE and last_heard is not None:
        words += f", heard {max(0, round(time.monotonic() - last_heard))} s ago"
    return words


class StatusBar(Widget):
    """Attributes down: the app calls `update_status` after each flush and once a second."""

    COMPONENT_CLASSES = {
        "status-bar--live",
        "status-bar--waiting",
        "status-bar--retrying",
        "status-bar--completed",
        "status-bar--failed",
        "status-bar--paused",
        "status-bar--following",
        "status-bar--dim",
    }
    DEFAULT_CSS = """
    StatusBar { height: 1; background: $panel; color: $foreground; }
    StatusBar > .status-bar--live { color: $status-live; }
    StatusBar > .status-bar--waiting { color: $status-waiting; }
    StatusBar > .status-bar--retrying { color: $status-retrying; }
    StatusBar > .status-bar--completed { color: $status-completed; }
    StatusBar > .status-bar--failed { color: $status-failed; text-style: bold; }
    StatusBar > .status-bar--paused {
        background: $status-paused-background; color: $status-paused; text-style: bold;
    }
    StatusBar > .status-bar--following {
        background: $status-following-background; color: $status-following; text-style: bold;
    }
    StatusBar > .status-bar--dim { color: $status-waiting; }
    """

    def __init__(self, labels: Sequence[str], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.labels = labels
        """The app's one list of source labels (shared, not copied)."""
        self.states: list[StateChanged] = [StateChanged(State.CONNECTING) for _ in self.labels]
        self.last_heard: list[float | None] = [None] * len(self.labels)
        self.counts = Counts()
        self._style = KeptStyles(self)  # refreshed at each batch: styles kept across

    def update_status(
        self,
        states: Sequence[StateChanged] | None = None,
        last_heard: Sequence[float | None] | None = None,
        counts: Counts | None = None,
    ) -> None:
        if states is not None:
            self.states = list(states)
        if last_heard is not None:
            self.last_heard = list(last_heard)
        if counts is not None:
            self.counts = counts
        self.refresh()

    def plain_text(self) -> str:
        """What the bar says, for tests and screen readers."""
        return self.render().plain

    def render_line(self, y: int) -> Strip:
        # Rich renders the one line straight to segments: Textual's conversion of the Text to
        # its own Content was most of the bar's cost, and the bar changes at every batch.
        width, base = self.size.width, self.rich_style
        if y or width <= 0:
            return Strip.blank(width, base)
        text = self.render()
        text.truncate(width, overflow="ellipsis")
        segments = Segment.apply_style(text.render(self.app.console), base)
        return Strip(segments).extend_cell_length(width, base)

    def render(self) -> Text:
        style = self._style
        c = self.counts
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        if c.following:
            text.append(" FOLLOW ", style("status-bar--following"))
        else:
            text.append(" PAUSED ", style("status-bar--paused"))
            if c.new_while_paused:
                text.append(f" +{_fmt(c.new_while_paused)} new", style("status-bar--paused"))
        # What the user asked for comes before what the sources report, so a narrow terminal
        # (80 columns) cuts the counts, never the filter or search indicators.
        doing = [part for part in (c.filter, c.search, c.merge, c.busy) if part]
        if doing:
            text.append("  " + " · ".join(doing))
        for label, state, heard in zip(self.labels, self.states, self.last_heard, strict=False):
            icon, cls = _ICON[state.state]
            text.append(f"  {icon} ", style(cls))
            text.append(label if len(label) <= 40 else "…" + label[-39:])
            text.append(f" {describe_state(state, heard, label)}", style(cls))
        tail = f"  {_fmt(c.shown)} shown"
        if c.hidden:
            tail += f" · {_fmt(c.hidden)} hidden"
        tail += f" · {_fmt(c.received)} received"
        if c.evicted:
            tail += f" · {_fmt(c.evicted)} evicted"
        if c.cleared:
            tail += f" · {_fmt(c.cleared)} cleared"
        tail += f" · {c.rate:,.0f}/s"
        text.append(tail, style("status-bar--dim"))
        return text
