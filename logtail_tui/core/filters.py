"""Which records are shown: minimum level, hidden levels, sources, include / exclude regexes.

Used by the plain printer line by line (`LineFilter.matches`) and by the TUI over whole
chunks of the store (`LineFilter.select`), which is where speed is won: levels and sources
never touch the text (``bytes.translate`` turns a column into a 0/1 mask and
``itertools.compress`` picks the survivors in C), and regexes run through
`logtail_tui.core.matching.lines_matching`.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import compress, repeat
from typing import TYPE_CHECKING

from logtail_tui.core.matching import lines_matching
from logtail_tui.core.record import Level, effective
from logtail_tui.core.sanitize import control_in
from logtail_tui.core.settings import Settings

if TYPE_CHECKING:
    from logtail_tui.core.where_eval import Where

__all__ = ["LineFilter", "compile_pattern", "lines_matching"]


def compile_pattern(pattern: str, what: str = "pattern", flags: int = 0) -> re.Pattern[str]:
    """Compile a user regex; a bad one raises ``ValueError`` with a one-sentence reason.

    A raw control character is refused: no shown line holds one (lines are sanitised), and
    the pattern is echoed to the terminal (the status bar, the filter bar)."""
    control = control_in(pattern)
    if control is not None:
        raise ValueError(
            f"invalid {what} regex {pattern!r}: it holds the control character {control!r}, "
            "which shown lines never hold (they are sanitised); leave it out"
        )
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(
            f"invalid {what} regex {pattern!r} ({exc}): fix it or escape special characters "
            "with a backslash"
        ) from None


@dataclass(frozen=True, slots=True)
class LineFilter:
    """A record passes when its level is at least ``level`` and not one of ``hidden_levels``,
    it matches any ``include`` pattern (or there are none), and it matches no ``exclude``
    pattern, and it comes from one of ``sources`` (or that set is empty). A record without a
    level (``Level.NONE``) counts as ``INFO`` throughout."""

    level: int = Level.NONE
    """Minimum level shown; ``NONE`` or ``TRACE`` show everything."""
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    hidden_levels: frozenset[int] = frozenset()
    """Levels switched off individually (``INFO`` also hides lines without a level)."""
    sources: frozenset[int] = frozenset()
    """Indices of the sources shown; empty shows every source."""
    where: Where | None = None
    """A field expression every shown record must pass (``-w``), if any."""

    @classmethod
    def build(
        cls,
        level: int = Level.NONE,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        hidden_levels: Iterable[int] = (),
        sources: Iterable[int] = (),
        where: Where | None = None,
    ) -> LineFilter:
        """Compile user input; raises ``ValueError`` with one sentence on a bad regex.

        Args:
            level: Minimum level shown.
            include: Regexes; a line must match at least one. Empty strings are ignored.
            exclude: Regexes; a line matching any of them is hidden.
            hidden_levels: Levels hidden one by one (``NONE`` is read as ``INFO``).
            sources: Source indices shown; empty shows all.
            where: A compiled ``-w`` expression (`Where.build`), if any.
        """
        return cls(
            level,
            tuple(compile_pattern(p, "include") for p in include if p),
            tuple(compile_pattern(p, "exclude") for p in exclude if p),
            frozenset(effective(v) for v in hidden_levels),
            frozenset(sources),
            where,
        )

    @classmethod
    def from_settings(cls, settings: Settings) -> LineFilter:
        """The filter the command line asked for (``-l -i -e -w``)."""
        where = None
        if settings.where:
            from logtail_tui.core.where_eval import Where  # -w only: 30 ms of every start

            where = Where.build(settings.where, settings.utc)
        return cls.build(settings.level, settings.include, settings.exclude, where=where)

    @property
    def active(self) -> bool:
        """Whether any line could be hidden (an inactive filter lets the view skip indexing)."""
        return bool(
            self.level > Level.TRACE
            or self.include
            or self.exclude
            or self.hidden_levels
            or self.sources
            or self.where is not None
        )

    def matches(
        self,
        text: str,
        level: int,
        source: int = 0,
        raw: str | None = None,
        time: str | None = None,
    ) -> bool:
        """Whether one line passes (the per-line reference; use `select` for many lines).

        ``raw`` and ``time`` (a structured record's original and time text) feed `where`.
        """
        lv = effective(level)
        if (self.level and lv < self.level) or lv in self.hidden_levels:
            return False
        if self.sources and source not in self.sources:
            return False
        if self.include and not any(p.search(text) for p in self.include):
            return False
        if any(p.search(text) for p in self.exclude):
            return False
        return self.where is None or self.where.matches(raw or text, level, time)

    def level_table(self) -> bytes | None:
        """A ``bytes.translate`` table mapping a level byte to 1 (shown) or 0; ``None`` if all pass."""
        return _level_table(self.level, self.hidden_levels)

    def select(
        self,
        texts: Sequence[str],
        levels: bytes | bytearray,
        sources: bytes | bytearray | None = None,
    ) -> list[int]:
        """Indices (into ``texts``) of the lines that pass, ascending (`where` aside: it
        needs the raw originals, see `logtail_tui.core.scan.select_in_chunk`).

        Args:
            texts: A chunk of lines.
            levels: Their levels, one byte each, as the store keeps them.
            sources: Their source indices, one byte each; ``None`` means all from source 0.
        """
        n = len(texts)
        picked: Sequence[int] = range(n)
        sub: Sequence[str] = texts
        if self.sources and sources is None and 0 not in self.sources:
            return []  # no column: every line came from source 0
        table = self.level_table()
        mask: bytes | bytearray | None = levels.translate(table) if table is not None else None
        if self.sources and sources is not None:
            shown = bytes(1 if v in self.sources else 0 for v in range(256))
            by_source = sources.translate(shown)
            if mask is None:
                mask = by_source
            else:  # AND of two 0/1 byte strings, done by the big-integer code in C
                both = int.from_bytes(mask, "little") & int.from_bytes(by_source, "little")
                mask = both.to_bytes(n, "little")
        if mask is not None and mask.count(1) != n:
            picked = list(compress(picked, mask))
            sub = list(compress(texts, mask))
        return self._select_text(sub, picked)

    def _select_text(self, sub: Sequence[str], picked: Sequence[int]) -> list[int]:
        """The part of `select` that reads text: ``sub[i]`` is line ``picked[i]``."""
        if self.include:
            if len(self.include) == 1:
                hits: Sequence[int] = lines_matching(self.include[0], sub)
            else:
                hits = sorted(set().union(*(lines_matching(p, sub) for p in self.include)))
            picked = list(map(picked.__getitem__, hits))
            if self.exclude:
                sub = list(map(sub.__getitem__, hits))
        for k, pattern in enumerate(self.exclude):
            hits = lines_matching(pattern, sub)
            if not hits:
                continue
            keep = bytearray(b"\x01") * len(sub)
            deque(map(keep.__setitem__, hits, repeat(0)), maxlen=0)  # keep[hits] = 0, in C
            picked = list(compress(picked, keep))
            if k + 1 < len(self.exclude):
                sub = list(compress(sub, keep))
        return picked if isinstance(picked, list) else list(picked)

    def describe(self, source_labels: Sequence[str] = ()) -> str:
        """Short text for the status bar, e.g. ``level>=warn hide:debug +/db/ -/health/``.

        Args:
            source_labels: Names of the sources by index, for ``sources`` (else numbers).

        Returns:
            The description; empty when the filter is not active.
        """
        parts: list[str] = []
        if self.level > Level.TRACE:
            parts.append(f"level>={_level_name(self.level)}")
        if self.hidden_levels:
            parts.append("hide:" + ",".join(_level_name(v) for v in sorted(self.hidden_levels)))
        parts.extend(f"+/{p.pattern}/" for p in self.include)
        parts.extend(f"-/{p.pattern}/" for p in self.exclude)
        if self.sources:
            names = (
                source_labels[i] if i < len(source_labels) else f"#{i}"
                for i in sorted(self.sources)
            )
            parts.append("from:" + ",".join(names))
        if self.where is not None:
            parts.append(f"where:{self.where.text}")
        return " ".join(parts)


def _level_name(level: int) -> str:
    try:
        return Level(level).label.lower()
    except ValueError:
        return str(level)


@cache
def _level_table(level: int, hidden_levels: frozenset[int]) -> bytes | None:
    """`LineFilter.level_table`, made once per filter setting: plain mode asks for it a block."""
    lowest, hidden, info = int(level), {int(h) for h in hidden_levels}, int(Level.INFO)
    shown = [(v or info) >= lowest and (v or info) not in hidden for v in range(256)]
    return None if all(shown) else bytes(shown)
