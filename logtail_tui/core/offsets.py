"""Lines a pattern matches in a sealed stream chunk, found from match offsets and line ends.

A sealed `TextChunk` knows where each of its lines ends (`TextChunk.line_ends`, computed once
when it is sealed). A needle that every match contains (`logtail_tui.core.matching` finds
it), or else the regex itself, runs over the joined text with ``finditer`` (sre scans for a
literal about as fast as ``str.count``), and each match offset becomes its line by ``bisect``
mapped in C over the line ends: no line feed is counted, no line is split, no bytecode runs
a hit. Candidate lines of a needle are then asked with the regex bounded to the line
(``pos``/``endpos`` on the ``re.MULTILINE`` twin, which reads ``^``/``$`` at those bounds as
per-line search does). See docs/architecture.md, "Filters and search over chunks".
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from functools import lru_cache
from itertools import chain, compress, islice, repeat
from operator import gt

from logtail_tui.core import native
from logtail_tui.core.matching import plan_for

_LIST_AT = 32
"""Bisect over a list copy of the ends (no int made a probe) once there is a hit for every
this many lines of the chunk; below that, over the array itself."""
_PER_LINE = 2
"""More regex matches than one in this many lines: the caller asks line by line instead
(``\\d`` matches many times a line, one ``search`` a line is cheaper)."""
_PREFIX_LINES = 6
"""A regex's leading literal on at most one line in this many: ask the regex on those lines."""

_start = re.Match.start
_end = re.Match.end


_listed: tuple[array[int], list[int]] | None = None
"""The last chunk's ends as a list: several patterns (and a needle's candidates) of one
chunk bisect the same ends; one list of ~65k ints is kept, whatever the scrollback."""


def _seq(ends: array[int], hits: int) -> list[int] | array[int]:
    """What to bisect for ``hits`` lookups: the array when few, else a list copy of it."""
    global _listed
    if hits * _LIST_AT <= len(ends):
        return ends
    listed = _listed
    if listed is not None and listed[0] is ends:  # line ends never change once sealed
        return listed[1]
    seq = ends.tolist()
    _listed = (ends, seq)
    return seq


@lru_cache(maxsize=64)
def _finder(needle: str | bytes) -> re.Pattern:  # type: ignore[type-arg]
    return re.compile(re.escape(needle))


def sweep_lines(
    pattern: re.Pattern[str],
    rx: re.Pattern,  # type: ignore[type-arg]
    lower: bool,
    buffer: str | bytes,
    ends: array[int],
    i: int,
    j: int,
) -> list[int] | None:
    """Indices ``k`` in ``i .. j-1`` of the lines of ``buffer`` that ``pattern`` matches,
    ascending; ``None`` when this way does not apply (the caller then asks otherwise).

    Args:
        pattern: What a line must match (``search`` semantics, one line at a time).
        rx: Its whole-buffer form (``re.MULTILINE``; over lower-cased text when ``lower``),
            of the buffer's type.
        buffer: The chunk's lines joined by line feeds (ASCII if ``bytes``).
        ends: The offset just past each line's line feed (`TextChunk.line_ends`).
    """
    plan = plan_for(pattern)
    if (plan.fold or lower) and isinstance(buffer, str) and not buffer.isascii():
        return None  # str.lower() agrees with re.IGNORECASE only on ASCII
    lo = ends[i - 1] if i else 0
    hi = ends[j - 1] - 1  # the last line's line feed, or the end of the buffer
    wanted = lower or (plan.fold and bool(plan.needles))
    in_c = native.ENABLED and (isinstance(buffer, bytes) or buffer.isascii())
    # Lower-case only the lines asked for: offsets in it are then relative to ``lo``. The C
    # helper finds a case-blind needle without the copy: it is made only for a regex to read.
    copy = wanted and not (in_c and plan.needles and (plan.exact or not lower))
    lowered = buffer[lo:hi].lower() if copy else None
    if plan.needles:
        if in_c:
            words = tuple(n.encode() if isinstance(buffer, bytes) else n for n in plan.needles)
            lines = native.needle_lines(buffer, words, lo, hi, ends, 0, False, wanted)[0]
        else:
            # Needles of a case-blind pattern are lower-case: looked for in the lowered copy.
            hay, base = (buffer, 0) if lowered is None else (lowered, lo)
            found = [_offsets(hay, n, lo - base, hi - base) for n in plan.needles]
            offsets = found[0] if len(found) == 1 else sorted(chain(*found))
            lines = _lines_at(ends, offsets, base)
        if plan.exact or not lines:
            return lines
        if lowered is not None and lower:
            return _bounded(rx, lowered, lo, ends, lines)
        return _bounded(rx, buffer, 0, ends, lines)
    # No needle: the regex's own scan (``rx`` reads the lowered copy when ``lower``), at
    # most one match in _PER_LINE lines, each within one line.
    hay, base = (lowered, lo) if lower and lowered is not None else (buffer, 0)
    if in_c and len(plan.prefix) >= 2:
        found = _from_prefix(rx, plan.prefix, plan.fold, hay, base, ends, i, j)
        if found is not None:
            return found
    budget = (j - i) // _PER_LINE + 8
    if j - i >= 1024:  # try the first eighth first, so a hopeless sweep stops early
        probe = ends[i + (j - i) // 8 - 1] - 1 - base
        if len(list(islice(rx.finditer(hay, lo - base, probe), budget // 8))) >= budget // 8:
            return None
    matches = list(islice(rx.finditer(hay, lo - base, hi - base), budget))
    if len(matches) >= budget:
        return None
    starts = list(map(base.__add__, map(_start, matches)))
    lines = list(map(bisect_right, repeat(_seq(ends, len(starts))), starts))
    line_ends = map((-1 - base).__add__, map(ends.__getitem__, lines))
    if any(map(gt, map(_end, matches), line_ends)):
        return None  # a match ran past a line feed (``\s``): it may hide the next line's
    return list(dict.fromkeys(lines))


def _from_prefix(
    rx: re.Pattern,  # type: ignore[type-arg]
    prefix: str,
    fold: bool,
    hay: str | bytes,
    base: int,
    ends: array[int],
    i: int,
    j: int,
) -> list[int] | None:
    """Lines where ``rx``, whose every match starts with ``prefix``, matches: the C helper
    finds the lines holding the prefix, and the regex is asked on each from the first
    occurrence to the line's end (no match can start earlier). ``None`` when the prefix is
    on more than one line in `_PREFIX_LINES` (sre's own scan is then faster: a call a line
    costs about 0.8 us). ``fold``: the pattern ignores case (the prefix is in lower case)."""
    lo, hi = (ends[i - 1] if i else 0), ends[j - 1] - 1
    word = prefix.encode() if isinstance(hay, bytes) else prefix
    if j - i >= 1024:  # the first eighth first, so a dense prefix costs one pass of that
        k = i + (j - i) // 8
        end = ends[k - 1] - 1 - base
        probe = native.needle_lines(hay, word, lo - base, end, ends, base, False, fold)
        if len(probe[0]) * _PREFIX_LINES > k - i:
            return None
    lines, at = native.needle_lines(hay, word, lo - base, hi - base, ends, base, True, fold)
    if len(lines) * _PREFIX_LINES > j - i:
        return None
    assert at is not None
    stops = map((-1 - base).__add__, map(_seq(ends, len(lines)).__getitem__, lines))
    return list(compress(lines, map(rx.search, repeat(hay), at, stops)))


def _offsets(hay: str | bytes, needle: str, pos: int, endpos: int) -> list[int]:
    """Where ``needle`` occurs in ``hay[pos:endpos]`` (not overlapping), ascending."""
    finder = _finder(needle.encode() if isinstance(hay, bytes) else needle)
    return list(map(_start, finder.finditer(hay, pos, endpos)))


def _bounded(
    rx: re.Pattern,  # type: ignore[type-arg]
    hay: str | bytes,
    base: int,
    ends: array[int],
    lines: list[int],
) -> list[int]:
    """The ``lines`` where ``rx`` finds a match within the line, ``hay`` holding the buffer
    from offset ``base`` on. ``pos``/``endpos`` bound the regex to the line; ``rx`` is the
    ``re.MULTILINE`` form, so ``^`` and ``$`` hold at those bounds as at a line's ends."""
    seq = _seq(ends, len(lines))
    begins = list(map((-base).__add__, map(seq.__getitem__, map((-1).__add__, lines))))
    if lines[0] == 0:
        begins[0] = 0  # line 0 starts the buffer (``seq[-1]`` is the last line's end)
    stops = map((-1 - base).__add__, map(seq.__getitem__, lines))
    return list(compress(lines, map(rx.search, repeat(hay), begins, stops)))


def _lines_at(ends: array[int], offsets: list[int], base: int) -> list[int]:
    """The distinct lines (ascending) of ascending ``offsets`` (plus ``base``)."""
    if base:
        offsets = list(map(base.__add__, offsets))
    seq = _seq(ends, len(offsets))
    return list(dict.fromkeys(map(bisect_right, repeat(seq), offsets)))
