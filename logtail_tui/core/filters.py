"""Which records are shown: minimum level plus include / exclude regular expressions.

Used by the plain printer line by line and by the TUI over the whole store.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from logtail_tui.core.record import Level, effective


def compile_pattern(pattern: str, what: str = "pattern") -> re.Pattern[str]:
    """Compile a user regex; a bad one raises ``ValueError`` with a one-sentence reason."""
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid {what} regex {pattern!r}: {exc}") from None


@dataclass(frozen=True, slots=True)
class LineFilter:
    """A record passes when its level is at least ``level``, it matches any ``include``
    pattern (or there are none), and it matches no ``exclude`` pattern."""

    level: int = Level.NONE
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()

    @classmethod
    def build(
        cls, level: int = Level.NONE, include: Sequence[str] = (), exclude: Sequence[str] = ()
    ) -> LineFilter:
        return cls(
            level,
            tuple(compile_pattern(p, "include") for p in include if p),
            tuple(compile_pattern(p, "exclude") for p in exclude if p),
        )

    @property
    def active(self) -> bool:
        return bool(self.level > Level.TRACE or self.include or self.exclude)

    def matches(self, text: str, level: int) -> bool:
        if self.level and effective(level) < self.level:
            return False
        if self.include and not any(p.search(text) for p in self.include):
            return False
        return not any(p.search(text) for p in self.exclude)
