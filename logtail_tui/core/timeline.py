"""Records per time bucket, by severity, for the whole scrollback: what the timeline draws.

`TimelineIndex` reads the store's time column (`logtail_tui.core.time_column`) and level
column in bulk, a chunk at a time, and keeps counts per fine time slot: how many records,
how many warnings, how many errors or worse, and the first line of each slot (where a click
goes). New lines are added incrementally (and history prepended below the oldest line);
eviction or clearing past a tenth of what was counted starts over. A line without a time (a
stack trace's ``at ...`` line) counts at the time of the line before it. Slots are merged two
by two whenever there are more than `MAX_SLOTS`, so memory and drawing stay bounded however
long the logs span; `buckets` then folds the slots into as many buckets as the strip has
columns (docs/architecture.md, "The timeline").
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

from logtail_tui.core.record import Level
from logtail_tui.core.store import LogStore

MAX_SLOTS = 8192
"""Fine time slots kept at most (their width doubles beyond)."""
STEP_LINES = 16_384
"""Lines counted between two turns of the UI (~40 ms when their times are parsed too)."""

# Severity class per level byte: 0 other, 1 warning, 2 error or worse.
_SEVERITY = bytes(2 if v >= Level.ERROR else 1 if v == Level.WARNING else 0 for v in range(256))


@dataclass(slots=True)
class Bucket:
    """One column of the strip."""

    total: int = 0
    warnings: int = 0
    errors: int = 0
    first: int = -1
    """Absolute number of the bucket's first line (``-1``: empty)."""


class TimelineIndex:
    """Counts of the store's lines per time slot, kept up to date in steps.

    Args:
        store: The scrollback's store.
    """

    def __init__(self, store: LogStore) -> None:
        self.store = store
        self.reset()

    def reset(self) -> None:
        self.lo = self.hi = self.store.first
        """Absolute numbers ``lo .. hi-1`` are counted."""
        self.width = 1.0
        """Seconds per slot (doubles as the span grows)."""
        self.slots: dict[int, list[int]] = {}
        """Slot -> ``[total, warnings, errors, first line]``."""
        self.untimed = 0
        """Lines counted before any line with a time: they are in no slot."""
        self.version = 0
        """Bumped whenever the counts change (the strip redraws)."""

    @property
    def stale(self) -> bool:
        """Whether the store holds lines not counted yet (or dropped counted ones)."""
        store = self.store
        return (self.lo, self.hi) != (store.first, store.end)

    def update(self, step: int = STEP_LINES) -> Iterator[float]:
        """Count what the store gained since the last update, ``step`` lines a turn
        (progress 0..1 between turns); start over after a large eviction or a clear."""
        store = self.store
        counted = self.hi - self.lo
        if store.first >= self.hi or store.first - self.lo > counted // 10:
            self.reset()
        below, above = max(0, self.lo - store.first), max(0, store.end - self.hi)
        total = max(1, below + above)
        done = 0
        # History read backwards arrives below the oldest line: count it from its top down.
        while self.lo > store.first:
            lo = max(store.first, self.lo - step)
            self._count(lo, self.lo)
            done += self.lo - lo
            self.lo = lo
            yield done / total
        while self.hi < store.end:
            hi = min(store.end, self.hi + step)
            self._count(self.hi, hi)
            done += hi - self.hi
            self.hi = hi
            yield done / total

    def _count(self, lo: int, hi: int) -> None:
        times = self.store.times_between(lo, hi)
        levels = self.store.levels_between(lo, hi).translate(_SEVERITY)
        slots, width = self.slots, self.width
        last = math.nan
        for k, t in enumerate(times):
            if t != t:  # NaN: the time of the line before
                t = last
                if t != t:
                    self.untimed += 1
                    continue
            last = t
            key = int(t // width)
            slot = slots.get(key)
            if slot is None:
                slots[key] = slot = [0, 0, 0, lo + k]
            elif lo + k < slot[3]:
                slot[3] = lo + k
            slot[0] += 1
            severity = levels[k]
            if severity:
                slot[severity] += 1
            if len(slots) > MAX_SLOTS:
                self._coarsen()
                slots, width = self.slots, self.width
        self.version += 1

    def _coarsen(self) -> None:
        merged: dict[int, list[int]] = {}
        for key, (total, warnings, errors, first) in self.slots.items():
            slot = merged.get(key // 2)
            if slot is None:
                merged[key // 2] = [total, warnings, errors, first]
            else:
                slot[0] += total
                slot[1] += warnings
                slot[2] += errors
                slot[3] = min(slot[3], first)
        self.slots = merged
        self.width *= 2

    # -- reading
    def span(self) -> tuple[float, float] | None:
        """Earliest and latest time counted (slot edges), ``None`` when nothing has one."""
        if not self.slots:
            return None
        return min(self.slots) * self.width, (max(self.slots) + 1) * self.width

    def columns(self, width: int) -> int:
        """Buckets for a strip ``width`` columns wide: never narrower than a slot (a second
        at least), so a short span is drawn wide rather than with gaps."""
        if not self.slots:
            return 0
        return max(1, min(width, max(self.slots) - min(self.slots) + 1))

    def bucket_of(self, epoch: float, count: int) -> int:
        """The bucket (of ``count``) that ``epoch`` falls in, clamped to the strip."""
        span = self.span()
        if span is None or count < 1:
            return 0
        lo, hi = span
        return max(0, min(count - 1, int((epoch - lo) / (hi - lo) * count)))

    def buckets(self, count: int) -> list[Bucket]:
        """The counts folded into ``count`` equal spans of time, oldest first."""
        out = [Bucket() for _ in range(max(0, count))]
        span = self.span()
        if span is None or not out:
            return out
        lo, hi = span
        scale = count / (hi - lo)
        width = self.width
        for key, (total, warnings, errors, first) in self.slots.items():
            bucket = out[min(count - 1, int((key * width - lo) * scale))]
            bucket.total += total
            bucket.warnings += warnings
            bucket.errors += errors
            if bucket.first < 0 or first < bucket.first:
                bucket.first = first
        return out

    def time_near(self, n: int, look_back: int = 256) -> float | None:
        """The time of line ``n``, or of the nearest line before it that has one."""
        store = self.store
        for m in range(n, max(store.first, n - look_back) - 1, -1):
            epoch = store.time_of(m)
            if epoch is not None:
                return epoch
        return None
