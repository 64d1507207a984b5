"""Puts a `TimeMerger` between the hub and its consumer (docs/architecture.md, "Merge by time").

The gate is itself a hub sink: with merging off it passes events straight through; with it
on, records wait in the merger and a timer on the event loop releases them in time order
to the consumer. States and heartbeats always pass at once. Both the TUI and plain mode
use it, so they merge alike.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from logtail_tui.core.chunks import Chunk, FileChunk
from logtail_tui.core.merge import DEFAULT_WINDOW, TimeMerger
from logtail_tui.core.record import Batch
from logtail_tui.sources.contract import SourceEvent, State, StateChanged

Sink = Callable[[int, SourceEvent], None]


def chunk_batch(chunk: Chunk) -> Batch:
    """A chunk's lines as a batch: merging needs each line and its time."""
    if isinstance(chunk, FileChunk):
        data = chunk.raw_bytes()
        lines = data.decode("utf-8", "replace").split("\n") if chunk.n else []
        if len(lines) == chunk.n:  # else truncated under us: the slow way says so
            # Clean text needs no parsing; the level column was indexed in bulk already.
            batch = Batch(lines) if chunk.plain_text else chunk.parser.parse(lines)
            batch.levels = list(chunk.levels)
            return batch
    batch = Batch()
    for i in range(chunk.n):
        batch.add(chunk.record(i))
    return batch


class MergeGate:
    """A hub sink that orders records of several sources by time when enabled.

    Args:
        sink: The consumer (the app's or the plain printer's event handler).
        sources: Number of sources.
        enabled: Whether merging starts on (``--merge-by-time``).
        window: The reorder window in seconds (``--reorder-window``).
        max_held: Lines held at most.
    """

    def __init__(
        self,
        sink: Sink,
        sources: int,
        enabled: bool = False,
        window: float = DEFAULT_WINDOW,
        max_held: int = 1_000_000,
    ) -> None:
        self.sink = sink
        self.sources = sources
        self.window = window
        self.max_held = max_held
        self.merger: TimeMerger | None = (
            TimeMerger(sources, window, history=True, max_held=max_held) if enabled else None
        )
        self._timer: asyncio.TimerHandle | None = None
        self._ended = [False] * sources

    @property
    def enabled(self) -> bool:
        return self.merger is not None

    def set_enabled(self, on: bool) -> None:
        """Turn merging on (for what arrives from now on) or off (releasing what is held)."""
        if on == self.enabled:
            return
        if on:
            self.merger = TimeMerger(
                self.sources, self.window, history=False, max_held=self.max_held
            )
        else:
            self.flush()
            self.merger = None

    def flush(self) -> None:
        """Release everything held, in time order."""
        if self.merger is not None:
            self._emit(self.merger.release(time.time(), everything=True))

    def __call__(self, index: int, event: SourceEvent) -> None:
        merger = self.merger
        if merger is None or self.sources == 1:  # one source: nothing to order, no delay
            self.sink(index, event)
            return
        if isinstance(event, Chunk) and event.history:
            self.sink(index, event)  # read backwards before merging was turned on: goes on top
            return
        if isinstance(event, Batch | Chunk):
            batch = event if isinstance(event, Batch) else chunk_batch(event)
            merger.push(index, batch, time.time())
            self._release()
            return
        if isinstance(event, StateChanged) and event.state is not State.CONNECTING:
            merger.history_done(index)
            if event.state.final:
                self._ended[index] = True
                if all(self._ended):
                    self.flush()  # nothing more can come: no reason to wait
            self._release()
        self.sink(index, event)

    def _release(self) -> None:
        merger = self.merger
        if merger is None:
            return
        self._emit(merger.release(time.time()))
        self._arm()

    def _emit(self, runs: list[tuple[int, Batch]]) -> None:
        for source, batch in runs:
            self.sink(source, batch)

    def _arm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        merger = self.merger
        deadline = merger.next_deadline() if merger is not None else None
        if deadline is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._timer = loop.call_later(max(0.0, deadline - time.time()) + 0.001, self._release)

    def close(self) -> None:
        """Release what is held and stop the timer."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.flush()
