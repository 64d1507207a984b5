"""The record type and the columnar batch that carries records from sources to the store.

Sources emit records in batches because crossing from producer to UI per line is the
single most expensive thing a log follower can do (docs/architecture.md, "Engineering notes"). A `Batch` is columnar
(parallel lists of plain ``str`` and ``int``) so that a 500k-line burst creates no
per-line objects that the garbage collector has to track.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import IntEnum


class Level(IntEnum):
    """Normalised severity. ``NONE`` means no level was found; it sorts as ``INFO``."""

    NONE = 0
    TRACE = 1
    DEBUG = 2
    INFO = 3
    NOTICE = 4  # also "success"
    WARNING = 5
    ERROR = 6
    CRITICAL = 7  # also "fatal", "alert", "emergency"

    @property
    def label(self) -> str:
        """Short upper-case name used in plain output and the status bar."""
        return _LABELS[self]

    @classmethod
    def parse(cls, name: str) -> Level:
        """Level from a user-typed name (``warn``, ``E``, ``error``...); raises ``ValueError``."""
        key = name.strip().lower()
        for level, names in _NAMES.items():
            if key in names:
                return level
        choices = ", ".join(n.label.lower() for n in cls if n is not cls.NONE)
        raise ValueError(f"unknown level {name!r}: use one of {choices}")


_LABELS = {
    Level.NONE: "",
    Level.TRACE: "TRACE",
    Level.DEBUG: "DEBUG",
    Level.INFO: "INFO",
    Level.NOTICE: "NOTICE",
    Level.WARNING: "WARN",
    Level.ERROR: "ERROR",
    Level.CRITICAL: "CRIT",
}
_NAMES = {
    Level.TRACE: {"trace", "t", "verbose", "v"},
    Level.DEBUG: {"debug", "d"},
    Level.INFO: {"info", "i", "information"},
    Level.NOTICE: {"notice", "n", "success"},
    Level.WARNING: {"warning", "warn", "w"},
    Level.ERROR: {"error", "err", "e"},
    Level.CRITICAL: {"critical", "crit", "fatal", "f", "c", "alert", "emergency", "emerg"},
}


def effective(level: int) -> int:
    """The level used for comparisons: no level counts as info."""
    return level or Level.INFO


@dataclass(slots=True)
class Record:
    """One log record, as a view over one row of a batch or the store.

    Attributes:
        text: The display line, already sanitised (no control characters).
        level: A `Level` value.
        time: The record's own timestamp as the source gave it, if it had one apart
            from the text (structured records); plain text lines carry theirs inline.
        raw: The sanitised original when it differs from ``text`` (JSON, logfmt, SSE payloads).
        source: Index of the source that produced the record.
    """

    text: str
    level: int = Level.NONE
    time: str | None = None
    raw: str | None = None
    source: int = 0


@dataclass(slots=True)
class Batch:
    """Records in columns. ``times``/``raws`` stay ``None`` until a row needs them."""

    texts: list[str] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)
    times: list[str | None] | None = None
    raws: list[str | None] | None = None
    starts: bytearray | None = None
    """Record boundaries (1 = a multi-line record starts here); ``None``: every row starts
    one (docs/architecture.md, "Records")."""

    def __len__(self) -> int:
        return len(self.texts)

    def append(
        self, text: str, level: int = 0, time: str | None = None, raw: str | None = None
    ) -> None:
        """Add one row; cheap enough for per-record sources, bulk sources build columns."""
        n = len(self.texts)
        self.texts.append(text)
        self.levels.append(level)
        if self.starts is not None:
            self.starts.append(1)
        if time is not None and self.times is None:
            self.times = [None] * n
        if self.times is not None:
            self.times.append(time)
        if raw is not None and self.raws is None:
            self.raws = [None] * n
        if self.raws is not None:
            self.raws.append(raw)

    def add(self, record: Record) -> None:
        self.append(record.text, record.level, record.time, record.raw)

    def extend(self, other: Batch) -> None:
        """Append every row of ``other``."""
        n = len(self.texts)
        if other.starts is not None or self.starts is not None:
            if self.starts is None:
                self.starts = bytearray(b"\x01") * n
            self.starts.extend(other.starts or bytearray(b"\x01") * len(other))
        self.texts.extend(other.texts)
        self.levels.extend(other.levels)
        if other.times is not None or self.times is not None:
            if self.times is None:
                self.times = [None] * n
            self.times.extend(other.times if other.times is not None else [None] * len(other))
        if other.raws is not None or self.raws is not None:
            if self.raws is None:
                self.raws = [None] * n
            self.raws.extend(other.raws if other.raws is not None else [None] * len(other))

    def record(self, i: int, source: int = 0) -> Record:
        return Record(
            self.texts[i],
            self.levels[i],
            self.times[i] if self.times is not None else None,
            self.raws[i] if self.raws is not None else None,
            source,
        )

    def records(self, source: int = 0) -> Iterator[Record]:
        for i in range(len(self.texts)):
            yield self.record(i, source)

    @classmethod
    def of(cls, records: Iterable[Record]) -> Batch:
        batch = cls()
        for r in records:
            batch.add(r)
        return batch


@dataclass(slots=True)
class MergedBatch(Batch):
    """Records of several sources in one batch, merged by time: row ``i`` came from
    source ``sources[i]`` (docs/architecture.md, "Merge by time")."""

    sources: bytearray = field(default_factory=bytearray)
