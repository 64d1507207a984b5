"""Marked lines, by absolute line number (docs/architecture.md, "Marks").

Absolute numbers never change, so a mark stays on its line while filters hide and show it,
and while newer lines arrive; lines evicted from the scrollback take their marks with them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterator


class Marks:
    """A sorted set of absolute line numbers."""

    def __init__(self) -> None:
        self._numbers: list[int] = []

    def __len__(self) -> int:
        return len(self._numbers)

    def __contains__(self, number: object) -> bool:
        if not isinstance(number, int):
            return False
        i = bisect_left(self._numbers, number)
        return i < len(self._numbers) and self._numbers[i] == number

    def __iter__(self) -> Iterator[int]:
        return iter(self._numbers)

    def toggle(self, number: int) -> bool:
        """Mark ``number``, or unmark it if it was marked; returns whether it is marked now."""
        i = bisect_left(self._numbers, number)
        if i < len(self._numbers) and self._numbers[i] == number:
            del self._numbers[i]
            return False
        insort(self._numbers, number)
        return True

    def forget_before(self, first: int) -> None:
        """Drop marks of lines numbered below ``first`` (evicted or cleared)."""
        del self._numbers[: bisect_left(self._numbers, first)]

    def after(self, number: int) -> list[int]:
        """Marks after ``number``, nearest first."""
        return self._numbers[bisect_right(self._numbers, number) :]

    def before(self, number: int) -> list[int]:
        """Marks before ``number``, nearest first."""
        return self._numbers[: bisect_left(self._numbers, number)][::-1]
