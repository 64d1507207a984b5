"""The optional C helper (``core/_native.c``) and its pure-Python twins.

Two per-line scans of a block of raw lines dominate bulk work, and CPython's floor for them is
a regex match or a ``split`` per line (130-400 ns a line). The helper does each with
``memchr`` and no object a line (docs/architecture.md, "Native helper"). It is built at install
time when a C compiler is there; without it, or with ``LOGTAIL_NATIVE=0`` in the environment,
the twins below give the same results more slowly. Tests compare the two.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from functools import cache
from itertools import compress
from types import ModuleType

_native: ModuleType | None
try:
    from logtail_tui.core import _native  # type: ignore[attr-defined, no-redef]
except ImportError:  # no compiler at install time: the twins below do the work
    _native = None

ENABLED = _native is not None and os.environ.get("LOGTAIL_NATIVE") != "0"
"""Whether the C helper is used."""

SPACES = b" \t\n\r\x0b\x0c"
"""What the bytes regex class ``\\s`` matches."""


class LevelScan:
    """Where a source's lines keep their level word, as `level_letters` reads it.

    Args:
        tokens: Space-separated tokens before the word; ``None``: go by ``column``.
        column: Bytes before the word (fixed-width time stamps), when ``tokens`` is ``None``.
        bracketed: The word sits in brackets (``[warn]``), any case; else bare upper case.
        words: The level words (bytes).
        table: A ``bytes.translate`` table from a word's first letter to its level.
    """

    def __init__(
        self,
        tokens: int | None,
        column: int,
        bracketed: bool,
        words: Sequence[bytes],
        table: bytes,
    ) -> None:
        self.tokens, self.column, self.bracketed = tokens, column, bracketed
        self.words = tuple(sorted(words, key=lambda w: (-len(w), w)))
        self.table = table
        self.openers = b"[<(|{" if bracketed else b""
        self.delims = b"]>)|}" if bracketed else SPACES + b"]>)|}:,;."

    def letters(self, data: bytes, start: int, end: int) -> bytearray:
        """The level of each line of ``data[start:end]`` (0 where the word is not there)."""
        if ENABLED:
            assert _native is not None
            return _native.level_letters(  # type: ignore[no-any-return]
                data,
                start,
                end,
                -1 if self.tokens is None else self.tokens,
                self.column,
                self.openers,
                self.words,
                self.delims,
                not self.bracketed,
                self.table,
            )
        return self.letters_python(data, start, end)

    def letters_python(self, data: bytes, start: int, end: int) -> bytearray:
        """`letters` with one regex match a line (the reference for the C helper)."""
        pattern = self.pattern()
        if start > 0 and data[start - 1] == 10:  # the line feed before the first line
            found = pattern.findall(data, start - 1, end)
        else:
            found = pattern.findall(b"\n" + data[start:end])
        letters = b"".join(found)
        if len(letters) == len(found):  # every line names a level: map the letters in C
            return bytearray(letters.translate(self.table))
        table = self.table
        return bytearray(table[f[0]] if f else 0 for f in found)

    def pattern(self) -> re.Pattern[bytes]:
        """The regex `letters_python` runs (group 1: the letter)."""
        return _pattern(self.tokens, self.column, self.bracketed, self.words)


@cache
def _pattern(
    tokens: int | None, column: int, bracketed: bool, words: tuple[bytes, ...]
) -> re.Pattern[bytes]:
    """Matches at every line start; captures the word's first letter when it is there."""
    skip = rb"\S++ ++" * tokens if tokens is not None else rb"[^\n]{%d}" % column
    word = b"(?:" + b"|".join(map(re.escape, words)) + b")"
    if bracketed:
        return re.compile(rb"\n(?:" + skip + rb"[\[<(|{](?=" + word + rb"[\]>)|}])(\S)|)")
    return re.compile(rb"\n(?:" + skip + rb"(?=" + word + rb"(?:[\s\]>)|}:,;.]|$))(\S)|)")


_SAFE = bytes(range(0x20, 0x7F)) + b"\n"


def is_clean(data: bytes, start: int = 0, end: int | None = None) -> bool:
    """Whether ``data[start:end]`` prints exactly as the sanitiser would show it (printable
    ASCII and line feeds)."""
    end = len(data) if end is None else end
    if ENABLED:
        assert _native is not None
        return _native.is_clean(data, start, end)  # type: ignore[no-any-return]
    return is_clean_python(data, start, end)


def is_clean_python(data: bytes, start: int, end: int) -> bool:
    """`is_clean` with one ``translate`` (the reference for the C helper)."""
    return not data[start:end].translate(None, _SAFE)


def pick_lines(data: bytes, start: int, end: int, keep: bytes | bytearray) -> bytes:
    """The lines of ``data[start:end]`` whose byte in ``keep`` is not 0, each ended by a
    line feed."""
    if ENABLED:
        assert _native is not None
        return _native.pick_lines(data, start, end, keep)  # type: ignore[no-any-return]
    return pick_lines_python(data, start, end, keep)


def pick_lines_python(data: bytes, start: int, end: int, keep: bytes | bytearray) -> bytes:
    """`pick_lines` by splitting (the reference for the C helper)."""
    lines = data[start:end].split(b"\n")
    if len(keep) < len(lines):
        raise ValueError("keep has fewer bytes than there are lines")
    picked = list(compress(lines, keep))
    return b"\n".join(picked) + b"\n" if picked else b""
