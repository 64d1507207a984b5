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
from array import array
from bisect import bisect_right
from collections import deque
from collections.abc import Sequence
from functools import cache
from itertools import compress, repeat
from types import ModuleType

_native: ModuleType | None
try:
    from logtail_tui.core import _native  # type: ignore[attr-defined, no-redef]
except ImportError:  # no compiler at install time: the twins below do the work
    _native = None

ENABLED = _native is not None and os.environ.get("LOGTAIL_NATIVE") != "0"
"""Whether the C helper is used."""

_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}

MAX_NEEDLES = 4
"""Literals `needle_lines` looks for in one pass (the C helper's limit too)."""

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
        return (
            self.letters_c(data, start, end) if ENABLED else self.letters_python(data, start, end)
        )

    def letters_c(self, data: bytes, start: int, end: int) -> bytearray:
        """`letters` by the C helper (which must be built)."""
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


def needle_lines(
    hay: str | bytes,
    needle: str | bytes | tuple[str | bytes, ...],
    pos: int,
    endpos: int,
    ends: Sequence[int] | None = None,
    base: int = 0,
    offsets: bool = False,
    fold: bool = False,
) -> tuple[list[int], list[int] | None]:
    """The distinct lines (ascending) that hold ``needle`` within ``hay[pos:endpos]``, and
    with ``offsets`` where its first occurrence in each is; with ``fold``, ignoring ASCII
    case (``needle`` in lower case), as over ``hay.lower()``. ``needle`` may be a tuple of
    up to four: the lines holding any of them (an alternation's literals), in one pass.

    Args:
        hay: Lines joined by line feeds; a ``str`` must be one byte a character (ASCII or
            Latin-1) for the C helper, so callers check ``isascii()`` first.
        ends: Where each line ends (the offset just past its line feed, `TextChunk.line_ends`),
            ``hay`` starting at offset ``base`` of that numbering; ``None``: lines are
            counted from the one at ``pos``.
    """
    if ENABLED:
        assert _native is not None
        return _native.needle_lines(  # type: ignore[no-any-return]
            hay, needle, pos, endpos, ends, base, offsets, fold
        )
    return needle_lines_python(hay, needle, pos, endpos, ends, base, offsets, fold)


def needle_lines_python(
    hay: str | bytes,
    needle: str | bytes | tuple[str | bytes, ...],
    pos: int,
    endpos: int,
    ends: Sequence[int] | None = None,
    base: int = 0,
    offsets: bool = False,
    fold: bool = False,
) -> tuple[list[int], list[int] | None]:
    """`needle_lines` with ``find`` and ``bisect`` (the reference for the C helper)."""
    if isinstance(needle, tuple):
        if not 1 <= len(needle) <= MAX_NEEDLES:
            raise ValueError("one to four needles")
        found = [needle_lines_python(hay, n, pos, endpos, ends, base, True, fold) for n in needle]
        first: dict[int, int] = {}
        for line, at in sorted((x, y) for f in found for x, y in zip(*f, strict=True)):  # type: ignore[arg-type]
            first.setdefault(line, at)
        return list(first), list(first.values()) if offsets else None
    if not needle:
        raise ValueError("empty needle")
    if fold:  # ASCII letters only, as the C helper (and bytes.lower) do; offsets stay
        hay = hay.lower() if isinstance(hay, bytes) else hay.translate(_ASCII_LOWER)
    lines: list[int] = []
    at: list[int] = []
    pos, endpos = max(pos, 0), min(endpos, len(hay))
    find = hay.find
    nl = b"\n" if isinstance(hay, bytes) else "\n"
    hit = find(needle, pos, endpos)  # type: ignore[arg-type]
    while hit >= 0:
        if ends is not None:
            line = bisect_right(ends, base + hit)
            nxt = ends[line] - base if line < len(ends) else len(hay)
        else:
            line = hay.count(nl, pos, hit)  # type: ignore[arg-type]
            feed = hay.find(nl, hit, endpos)  # type: ignore[arg-type]
            nxt = feed + 1 if feed >= 0 else endpos
        lines.append(line)
        at.append(hit)
        hit = find(needle, max(nxt, hit + 1), endpos)  # type: ignore[arg-type]
    return lines, at if offsets else None


def mark_needle_lines(
    hay: str | bytes,
    needle: str | bytes,
    ends: Sequence[int],
    first: int,
    mask: bytes | bytearray,
    out: bytearray,
    value: int,
    fold: bool = False,
) -> int:
    """``out[k] = value`` for each ``k`` where ``mask[k]`` is not 0 and line ``first + k``
    holds ``needle`` (``fold`` as for `needle_lines`); only those lines are read. ``mask``
    and ``out`` may be the same. Returns how many were set."""
    if ENABLED:
        assert _native is not None
        return _native.mark_needle_lines(  # type: ignore[no-any-return]
            hay, needle, ends, first, mask, out, value, fold
        )
    return mark_needle_lines_python(hay, needle, ends, first, mask, out, value, fold)


def mark_needle_lines_python(
    hay: str | bytes,
    needle: str | bytes,
    ends: Sequence[int],
    first: int,
    mask: bytes | bytearray,
    out: bytearray,
    value: int,
    fold: bool = False,
) -> int:
    """`mark_needle_lines` a line at a time (the reference for the C helper)."""
    if fold:
        hay = hay.lower() if isinstance(hay, bytes) else hay.translate(_ASCII_LOWER)
    marked = 0
    for k in [k for k, v in enumerate(mask) if v]:
        line = first + k
        lo = ends[line - 1] if line else 0
        if needle in hay[lo : ends[line] - 1]:  # type: ignore[operator]
            out[k] = value
            marked += 1
    return marked


def indices(mask: bytes | bytearray, first: int) -> array[int]:
    """``first + i`` for each ``i`` where ``mask[i]`` is not 0, as an ``array('q')``."""
    out = array("q")
    if ENABLED:
        assert _native is not None
        out.frombytes(_native.indices(mask, first))
    else:
        out.extend(compress(range(first, first + len(mask)), mask))
    return out


def mark(mask: bytearray, positions: Sequence[int], shift: int, value: int) -> None:
    """``mask[p + shift] = value`` for each ``p`` in ``positions``."""
    if ENABLED:
        assert _native is not None
        _native.mark(
            mask, positions if isinstance(positions, list) else list(positions), shift, value
        )
    else:
        deque(map(mask.__setitem__, map(shift.__add__, positions), repeat(value)), maxlen=0)


def one_arena() -> bool | None:
    """glibc's one malloc arena set by the C helper (`core/allocator.py` says why); ``None``
    without the helper (the caller then asks glibc through ctypes)."""
    return bool(_native.one_arena()) if _native is not None else None


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


def regex_scan(
    program: bytes,
    hay: str | bytes,
    pos: int,
    endpos: int,
    lead: str | bytes | tuple[str | bytes, ...] | None = None,
    fold: bool = False,
    starts: bool = False,
) -> list[int]:
    """Indices (0: the line at ``pos``) of the lines of ``hay[pos:endpos]`` that hold a match
    of the automaton ``program``. ``lead``: a literal (or up to four) that every match holds
    (with ``starts``, begins with), found first as `needle_lines` finds it (``fold``: case
    blind, in lower case); only the lines holding it run the automaton. The C helper only:
    the twin is `Automaton.matches` in `logtail_tui.core.automaton`, which builds programs."""
    assert _native is not None
    return _native.regex_scan(program, hay, pos, endpos, lead, fold, starts)  # type: ignore[no-any-return]
