"""The bounded scrollback: flat columns of plain values addressed by absolute line number.

Lines are kept as ``str`` in flat lists and levels in a ``bytearray`` so that a million
lines are a few big objects, not a million small ones for the GC to walk (docs/architecture.md, "Engineering notes").
Absolute numbers never change: line ``n`` stays line ``n`` after older lines are evicted,
which is what lets the pane cache rendered lines and the filter keep index lists.
"""

from __future__ import annotations

from logtail_tui.core.record import Batch, Record


class LogStore:
    """Keeps at most ``max_lines`` records; older ones are evicted and counted."""

    def __init__(self, max_lines: int = 100_000) -> None:
        if max_lines < 1:
            raise ValueError("max_lines must be at least 1")
        self.max_lines = max_lines
        self.texts: list[str] = []
        self.levels = bytearray()
        self._times: list[str | None] | None = None
        self._raws: list[str | None] | None = None
        self._sources: bytearray | None = None
        self.first = 0
        """Absolute number of the oldest kept line."""
        self.received = 0
        """Records ever added."""
        self.evicted = 0
        """Records dropped because the scrollback was full."""
        self.cleared = 0
        """Records dropped by the user clearing the view."""

    # -- size
    def __len__(self) -> int:
        return len(self.texts)

    @property
    def end(self) -> int:
        """Absolute number one past the newest line."""
        return self.first + len(self.texts)

    # -- writing
    def extend(self, batch: Batch, source: int = 0) -> int:
        """Append ``batch``; returns how many old lines were evicted to make room."""
        n_old = len(self.texts)
        n = len(batch)
        if not n:
            return 0
        self.texts.extend(batch.texts)
        self.levels.extend(batch.levels)
        self._extend_optional("_times", batch.times, n_old, n)
        self._extend_optional("_raws", batch.raws, n_old, n)
        if source or self._sources is not None:
            if self._sources is None:
                self._sources = bytearray(n_old)
            self._sources.extend(bytes([min(source, 255)]) * n)
        self.received += n
        over = len(self.texts) - self.max_lines
        if over > 0:
            self._drop(over)
            self.evicted += over
            return over
        return 0

    def _extend_optional(
        self, name: str, values: list[str | None] | None, n_old: int, n: int
    ) -> None:
        column: list[str | None] | None = getattr(self, name)
        if values is None:
            if column is not None:
                column.extend([None] * n)
            return
        if column is None:
            column = [None] * n_old
            setattr(self, name, column)
        column.extend(values)

    def _drop(self, count: int) -> None:
        del self.texts[:count]
        del self.levels[:count]
        for column in (self._times, self._raws, self._sources):
            if column is not None:
                del column[:count]
        self.first += count

    def clear(self) -> int:
        """Forget every line (the user's ``c``); returns how many were cleared."""
        count = len(self.texts)
        self._drop(count)
        self.cleared += count
        return count

    # -- reading by absolute number
    def __contains__(self, n: int) -> bool:
        return self.first <= n < self.end

    def text(self, n: int) -> str:
        return self.texts[n - self.first]

    def level(self, n: int) -> int:
        return self.levels[n - self.first]

    def time(self, n: int) -> str | None:
        return self._times[n - self.first] if self._times is not None else None

    def raw(self, n: int) -> str | None:
        return self._raws[n - self.first] if self._raws is not None else None

    def source(self, n: int) -> int:
        return self._sources[n - self.first] if self._sources is not None else 0

    def record(self, n: int) -> Record:
        return Record(self.text(n), self.level(n), self.time(n), self.raw(n), self.source(n))

    def time_column(self) -> list[str | None] | None:
        """The records' own times, aligned with `texts`; ``None`` when no record had one."""
        return self._times

    def raw_column(self) -> list[str | None] | None:
        """The raw originals, aligned with `texts`; ``None`` when no record had one."""
        return self._raws

    def source_column(self) -> bytearray | None:
        """Source indices, aligned with `texts`; ``None`` while every record came from source 0."""
        return self._sources

    @property
    def has_times(self) -> bool:
        return self._times is not None
