"""Merge by time: records of several sources released in time order (docs/architecture.md,
"Merge by time").

Pure and clock-free: the caller passes ``now`` (epoch seconds) to every call and asks
`TimeMerger.next_deadline` when to call `TimeMerger.release` again.

- Each source's lines wait in their own queue, in arrival order: a source's own order is
  never changed, only interleaved with the others'.
- A line's key is its time (parsed from the text, or the structured record's time). A line
  without a time (a stack trace, a wrapped message) takes the key of the line before it from
  the same source, so it travels with that line; a source that never had a time uses the
  arrival time.
- Live lines wait at most ``window`` seconds after their arrival. When a line is due, it is
  released together with every held line whose key is not later than the latest due key,
  in time order. So a source that is idle, or whose clock is far behind or ahead, never
  holds the others back for more than the window.
- History (lines read before a source first goes live) is held until every source's history
  has arrived, or until none arrived for `HISTORY_QUIET` seconds, then released in one
  k-way merge.
- At most ``max_held`` lines are held; beyond that everything held is released at once.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import deque
from dataclasses import dataclass
from itertools import accumulate

from logtail_tui.core.record import Batch, MergedBatch
from logtail_tui.core.times import parse_time, parse_times

DEFAULT_WINDOW = 0.2
"""Seconds a live line may wait for lines of other sources that belong before it."""
HISTORY_QUIET = 1.0
"""Seconds without history arriving after which held history is released anyway."""
DEFAULT_MAX_HELD = 1_000_000


@dataclass(slots=True)
class _Segment:
    """The unreleased rest of one batch: ``keys[pos:]`` are its lines' keys."""

    batch: Batch
    keys: list[float]
    pos: int
    arrival: float
    history: bool


class TimeMerger:
    """Holds batches per source and releases their lines in time order.

    Args:
        sources: How many sources there are (indexes ``0 .. sources-1``).
        window: Seconds a live line may be held.
        history: Whether the sources start with history to merge as a whole.
        max_held: Lines held at most (memory bound).
    """

    def __init__(
        self,
        sources: int,
        window: float = DEFAULT_WINDOW,
        history: bool = True,
        max_held: int = DEFAULT_MAX_HELD,
    ) -> None:
        self.window = window
        self.max_held = max_held
        self._queues: list[deque[_Segment]] = [deque() for _ in range(sources)]
        self._last_key: list[float | None] = [None] * sources
        self._in_history = [history] * sources
        self._history_open = history
        self._last_history = -math.inf
        self.held = 0
        """Lines held now."""

    # -- input
    def push(self, source: int, batch: Batch, now: float) -> None:
        """Hold ``batch`` of ``source``, arrived at ``now``."""
        if not len(batch):
            return
        history = self._history_open and self._in_history[source]
        keys = self._keys(source, batch, now, history)
        self._queues[source].append(_Segment(batch, keys, 0, now, history))
        self.held += len(batch)
        if history:
            self._last_history = now

    def history_done(self, source: int) -> None:
        """``source`` has sent all its history (it went live, completed or failed)."""
        self._in_history[source] = False

    def _keys(self, source: int, batch: Batch, now: float, history: bool) -> list[float | None]:
        if batch.times is not None:
            times: list[float | None] = [parse_time(t, now)[0] if t else None for t in batch.times]
            if any(t is None for t in times):  # structured records mixed with text lines
                times = [
                    t if t is not None else parse_time(text, now)[0]
                    for t, text in zip(times, batch.texts, strict=True)
                ]
        else:
            times = parse_times(batch.texts, now)
        # Keys never go down within a source (a running maximum): a source's own order is
        # kept, a line without a time sorts with the one before it, and each source's
        # releasable lines are a prefix of its queue.
        prev = self._last_key[source]
        if None in times:
            times = [-math.inf if t is None else t for t in times]
        if prev is not None:
            keys = list(accumulate(times, max, initial=prev))  # type: ignore[arg-type]
            del keys[0]
        else:
            # Lines before the source's first time: history goes first, live lines go at
            # their arrival time (a source with no times at all is ordered by arrival).
            first = next((i for i, t in enumerate(times) if t != -math.inf), len(times))
            keys = [-math.inf if history else now] * first
            keys += accumulate(times[first:], max)  # type: ignore[arg-type]
            if first == len(times):
                return keys
        self._last_key[source] = keys[-1]
        return keys

    # -- output
    def next_deadline(self) -> float | None:
        """When `release` next has something to do (``None``: nothing is held)."""
        if not self.held:
            return None
        if self._history_open:
            return self._last_history + HISTORY_QUIET
        return min(q[0].arrival + self.window for q in self._queues if q)

    def release(self, now: float, everything: bool = False) -> list[tuple[int, Batch]]:
        """Lines that may go now, in time order, as ``(source, batch)`` pairs (at most one).

        When lines of several sources go together the batch is a `MergedBatch` whose
        ``sources`` gives each row's source (``source`` is then the first row's).

        Args:
            now: The current time (epoch seconds).
            everything: Release all held lines (merging turned off, the run ended).
        """
        if self._history_open:
            if (
                not everything
                and any(self._in_history)
                and now < self._last_history + HISTORY_QUIET
            ) and self.held <= self.max_held:
                return []
            self._history_open = False
            everything = True
        if not everything and self.held > self.max_held:
            everything = True
        limit = math.inf if everything else self._due_limit(now)
        if limit is None:
            return []
        return self._merge(limit)

    def _due_limit(self, now: float) -> float | None:
        """The latest key among lines that are due, or ``None`` when none is."""
        limit: float | None = None
        horizon = now - self.window
        for queue in self._queues:
            top = None
            for seg in queue:
                if seg.arrival > horizon and not seg.history:
                    break
                top = seg.keys[-1]  # keys only grow: the last due segment has the latest
            if top is not None and (limit is None or top > limit):
                limit = top
        return limit

    def _merge(self, limit: float) -> list[tuple[int, Batch]]:
        """Every held line whose key is at most ``limit``, merged by key."""
        parts = [(s, part) for s, q in enumerate(self._queues) if (part := _take(q, limit))]
        if not parts:
            return []
        self.held -= sum(len(part[0]) for _, part in parts)
        if len(parts) == 1:
            return [(parts[0][0], parts[0][1][0])]
        batch, keys, sources = Batch(), [], bytearray()
        for s, (part, part_keys) in parts:
            batch.extend(part)
            keys += part_keys
            sources += bytes([min(s, 255)]) * len(part)
        # A stable sort: equal keys keep their sources' order (and each source's own).
        order = sorted(range(len(keys)), key=keys.__getitem__)
        merged = _pick(batch, order)
        merged.sources = bytearray(map(sources.__getitem__, order))
        return [(merged.sources[0], merged)]


def _take(queue: deque[_Segment], limit: float) -> tuple[Batch, list[float]] | None:
    """Remove the lines with keys up to ``limit`` from the front of ``queue``."""
    batch: Batch | None = None
    keys: list[float] = []
    while queue:
        seg = queue[0]
        stop = bisect_right(seg.keys, limit, seg.pos)
        if stop == seg.pos:
            break
        part = _slice(seg.batch, seg.pos, stop)
        if batch is None:
            batch = Batch()
            _adopt(batch, part)
        else:
            batch.extend(part)
        keys += seg.keys[seg.pos : stop]
        if stop < len(seg.keys):
            seg.pos = stop
            break
        queue.popleft()
    return (batch, keys) if batch is not None else None


def _pick(batch: Batch, rows: list[int]) -> MergedBatch:
    get = rows.__iter__
    return MergedBatch(
        list(map(batch.texts.__getitem__, get())),
        list(map(batch.levels.__getitem__, get())),
        list(map(batch.times.__getitem__, get())) if batch.times is not None else None,
        list(map(batch.raws.__getitem__, get())) if batch.raws is not None else None,
    )


def _slice(batch: Batch, start: int, stop: int) -> Batch:
    if start == 0 and stop == len(batch):
        return batch
    return Batch(
        batch.texts[start:stop],
        batch.levels[start:stop],
        batch.times[start:stop] if batch.times is not None else None,
        batch.raws[start:stop] if batch.raws is not None else None,
    )


def _adopt(empty: Batch, part: Batch) -> None:
    """Fill an empty batch with ``part``'s columns (copies of the lists: ``part`` may be
    the source's own batch, which must not grow when later parts are appended)."""
    empty.texts = list(part.texts)
    empty.levels = list(part.levels)
    empty.times = list(part.times) if part.times is not None else None
    empty.raws = list(part.raws) if part.raws is not None else None
