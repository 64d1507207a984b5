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

import heapq
import math
from collections import deque
from dataclasses import dataclass

from logtail_tui.core.record import Batch
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
        last = self._last_key[source]
        if last is None:
            # Lines before the source's first time: with history they go first, live ones
            # at their arrival time.
            last = -math.inf if history else now
        if None in times:
            for i, t in enumerate(times):
                if t is None:
                    times[i] = last
                else:
                    last = t
        else:
            last = times[-1]  # type: ignore[assignment]
        self._last_key[source] = last if last != -math.inf else None
        return times  # type: ignore[return-value]

    # -- output
    def next_deadline(self) -> float | None:
        """When `release` next has something to do (``None``: nothing is held)."""
        if not self.held:
            return None
        if self._history_open:
            return self._last_history + HISTORY_QUIET
        return min(q[0].arrival + self.window for q in self._queues if q)

    def release(self, now: float, everything: bool = False) -> list[tuple[int, Batch]]:
        """Lines that may go now, in time order, as ``(source, batch)`` runs.

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
            for seg in queue:
                if seg.arrival > horizon and not seg.history:
                    break
                top = max(seg.keys[seg.pos :])
                if limit is None or top > limit:
                    limit = top
        return limit

    def _merge(self, limit: float) -> list[tuple[int, Batch]]:
        """K-way merge of every held line whose key is at most ``limit``, as runs."""
        heads = [(q[0].keys[q[0].pos], s) for s, q in enumerate(self._queues) if q]
        heapq.heapify(heads)
        out: list[tuple[int, Batch]] = []
        while heads:
            key, source = heapq.heappop(heads)
            if key > limit:
                break
            # Take this source's lines up to the next source's head (and the limit).
            bound = min(heads[0][0], limit) if heads else limit
            queue = self._queues[source]
            taken = self._take(queue, bound)
            if out and out[-1][0] == source:
                out[-1][1].extend(taken)
            else:
                out.append((source, taken))
            self.held -= len(taken)
            if queue:
                heapq.heappush(heads, (queue[0].keys[queue[0].pos], source))
        return out

    @staticmethod
    def _take(queue: deque[_Segment], bound: float) -> Batch:
        """Lines from the front of ``queue`` while their key is at most ``bound``
        (at least one: the caller picked this queue because its head is the earliest)."""
        taken = Batch()
        first = True
        while queue:
            seg = queue[0]
            keys, start = seg.keys, seg.pos
            stop = start + 1 if first else start
            first = False
            n = len(keys)
            while stop < n and keys[stop] <= bound:
                stop += 1
            part = _slice(seg.batch, start, stop)
            taken.extend(part) if len(taken) else _adopt(taken, part)
            if stop < n:
                seg.pos = stop
                break
            queue.popleft()
        return taken


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
    the source's own batch, which must not grow when later runs are appended)."""
    empty.texts = list(part.texts)
    empty.levels = list(part.levels)
    empty.times = list(part.times) if part.times is not None else None
    empty.raws = list(part.raws) if part.raws is not None else None
