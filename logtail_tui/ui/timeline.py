"""The timeline strip (``T``): records per time bucket over the whole scrollback, coloured by
the worst level in each bucket, with the current view's position marked.

One column a bucket: the bar's height is the bucket's count (relative to the fullest), its
colour red when the bucket holds an error, yellow for a warning. The row below shows the
span's first and last times and the time at the view's position. Clicking a column, or
``[`` / ``]``, moves the view to a bucket's first line. Counting runs in chunks through the
app's `ChunkedWork` (keys are answered meanwhile) and only for new lines after that
(`logtail_tui.core.timeline`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.widget import Widget

from logtail_tui.core.timeline import Bucket, TimelineIndex
from logtail_tui.core.times import format_epoch

if TYPE_CHECKING:
    from logtail_tui.ui.app import LogtailApp

BARS = " ▁▂▃▄▅▆▇█"


class Timeline(Widget):
    """A two-row strip: bars per bucket, then the times they span."""

    DEFAULT_CSS = """
    Timeline { height: 2; display: none; background: $panel; }
    Timeline.-shown { display: block; }
    Timeline > .timeline--bar { color: $primary-lighten-1; }
    Timeline > .timeline--warning { color: $warning; }
    Timeline > .timeline--error { color: $error; }
    Timeline > .timeline--here { background: $accent 60%; }
    Timeline > .timeline--axis { color: $text-muted; }
    """
    COMPONENT_CLASSES = {
        "timeline--bar",
        "timeline--warning",
        "timeline--error",
        "timeline--here",
        "timeline--axis",
    }
    TICK = 0.25
    """Seconds between checks for new lines and a moved view while shown."""

    def __init__(self, app: LogtailApp, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.host = app
        self.index = TimelineIndex(app.store)
        self._buckets: list[Bucket] = []
        self._key: tuple[int, int] | None = None
        self._here: int | None = None
        self._counting = False

    @property
    def shown(self) -> bool:
        return self.has_class("-shown")

    def toggle(self) -> None:
        """Show or hide the strip (``T``)."""
        self.set_class(not self.shown, "-shown")
        if self.shown:
            self.tick()

    def on_mount(self) -> None:
        self.set_interval(self.TICK, self.tick)

    def tick(self) -> None:
        """Count new lines (in a worker) and follow the view's position."""
        if not self.shown:
            return
        if self.index.stale and not self._counting:
            self._counting = True
            self.run_worker(self._count(), group="timeline")
        here = self._here_bucket()
        if here != self._here:
            self._here = here
            self.refresh()

    async def _count(self) -> None:
        try:
            await self.host.work.run("timeline", self.index.update())
        finally:
            self._counting = False
        self._here = self._here_bucket()
        self.refresh()

    # -- drawing
    def buckets(self) -> list[Bucket]:
        """The strip's buckets at its current width (recomputed when counts change)."""
        key = (self.index.version, self.size.width)
        if key != self._key:
            count = self.index.columns(self.size.width)
            self._key, self._buckets = key, self.index.buckets(count)
        return self._buckets

    def _bucket_at(self, x: int) -> int:
        """The bucket drawn in column ``x`` (a bucket may span several columns)."""
        return x * len(self.buckets()) // max(1, self.size.width)

    def _here_bucket(self) -> int | None:
        """The bucket of the selected line, or of the top of the screen without one."""
        pane = self.host.pane
        view = pane.view
        if not len(view) or not self.index.slots:
            return None
        index = pane.cursor if pane.cursor is not None else round(pane.scroll_offset.y)
        epoch = self.index.time_near(view[max(0, min(index, len(view) - 1))])
        return None if epoch is None else self.index.bucket_of(epoch, len(self.buckets()))

    def render(self) -> Text:
        buckets = self.buckets()
        style = self.get_component_rich_style
        text = Text(no_wrap=True, end="")
        fullest = max((b.total for b in buckets), default=0)
        # Asked afresh: the bucket count follows the width, which may have changed since.
        here = self._here = self._here_bucket()
        for x in range(self.size.width if buckets else 0):
            i = self._bucket_at(x)
            bucket = buckets[i]
            if not bucket.total:
                glyph = " "
            else:
                glyph = BARS[max(1, round(bucket.total / fullest * (len(BARS) - 1)))]
            kind = (
                "timeline--error"
                if bucket.errors
                else "timeline--warning"
                if bucket.warnings
                else "timeline--bar"
            )
            look = style(kind) + style("timeline--here") if i == here else style(kind)
            text.append(glyph, look)
        text.append("\n")
        text.append_text(self._axis())
        return text

    def _axis(self) -> Text:
        width = self.size.width
        span = self.index.span()
        if span is None:
            note = "timeline: no times yet" if not self.index.stale else "timeline: counting…"
            return Text(note[:width], style=self.get_component_rich_style("timeline--axis"))
        utc = self.host.settings.utc
        lo, hi = format_epoch(span[0], utc, 0), format_epoch(span[1], utc, 0)
        if hi[:10] == lo[:10]:  # one day: the times of day are enough
            lo, hi = lo[11:19], hi[11:19]
        gap = width - len(lo) - len(hi)
        return Text(
            lo + " " * max(1, gap) + hi, style=self.get_component_rich_style("timeline--axis")
        )

    # -- moving the view
    def go_to_bucket(self, bucket: int) -> None:
        """Select the first shown line at or after ``bucket``'s first line."""
        buckets = self.buckets()
        if not 0 <= bucket < len(buckets) or buckets[bucket].first < 0:
            return
        pane = self.host.pane
        pane.go_to(pane.view.index_of(buckets[bucket].first))
        self._here = bucket
        self.refresh()

    def step(self, delta: int) -> None:
        """Move the view to the next (``+1``) or previous (``-1``) bucket holding lines."""
        buckets = self.buckets()
        start = self._here if self._here is not None else (len(buckets) if delta < 0 else -1)
        i = start + delta
        while 0 <= i < len(buckets):
            if buckets[i].total:
                self.go_to_bucket(i)
                return
            i += delta

    def on_click(self, event: events.Click) -> None:
        self.go_to_bucket(self._bucket_at(event.x))
