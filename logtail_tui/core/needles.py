"""Lines of a joined chunk that contain a literal, found with no Python step per line.

Most filters and searches are a word (``timeout``) or hinge on one (``took \\d+ms`` needs
``took ``; `logtail_tui.core.matching` finds these needles). Over a chunk whose lines sit in
one buffer, ``buffer.split(needle)`` cuts at every occurrence in C, and the line feeds in
each piece, counted by ``count`` mapped in C and summed with ``accumulate``, give the line of
every occurrence. That costs about as much as copying the buffer once whether hits are rare
or on every line, where a ``find`` loop pays Python bytecode per hit and splitting into
lines pays an object per line. See docs/architecture.md, "Filters and search over chunks".
"""

from __future__ import annotations

import re
from itertools import compress

from logtail_tui.core import native
from logtail_tui.core.matching import occurrences, plan_for

_ASK_EACH = 4
"""Candidates are checked one by one (regex patterns) when at most 1 line in this many is one."""


def needle_lines(pattern: re.Pattern[str], buffer: str | bytes, n: int) -> list[int] | None:
    """Indices of the lines of ``buffer`` (``n`` lines joined by line feeds) that ``pattern``
    matches, ascending; ``None`` when the pattern has no needle to go by, or hits are too
    dense to check one by one (the caller asks every line then)."""
    plan = plan_for(pattern)
    if not plan.needles or (plan.fold and not buffer.isascii()):
        return None
    is_bytes = isinstance(buffer, bytes)
    in_c = native.ENABLED and (is_bytes or buffer.isascii())
    # The C helper ignores case itself; a regex checking candidates reads a lowered copy.
    fold_in_c = in_c and plan.fold and plan.exact
    hay = buffer.lower() if plan.fold and not fold_in_c else buffer
    lines: list[int] = []
    offsets: list[int] = []
    if in_c:  # one pass for every needle, and one entry a line already
        words = tuple(w.encode() if is_bytes else w for w in plan.needles)
        lines, at = native.needle_lines(hay, words, 0, len(hay), None, 0, not plan.exact, fold_in_c)
        offsets = at or []
    else:
        for needle in plan.needles:
            found, at = occurrences(hay, needle.encode() if is_bytes else needle, not plan.exact)
            lines += found
            offsets += at
    if len(plan.needles) > 1 and not in_c:
        if plan.exact:
            return sorted(set(lines))
        order = sorted(range(len(lines)), key=lines.__getitem__)
        lines = list(map(lines.__getitem__, order))
        offsets = list(map(offsets.__getitem__, order))
    # One entry a line: keep the first occurrence of each (the C helper made them so).
    if plan.exact:
        return lines if in_c else list(dict.fromkeys(lines))
    first = [True, *map(int.__ne__, lines[1:], lines[:-1])] if lines else []
    lines = list(compress(lines, first))
    if len(lines) * _ASK_EACH > n:
        return None
    offsets = list(compress(offsets, first))
    if plan.lowered is not None:
        search, source = plan.lowered.search, hay
    else:
        search, source = pattern.search, buffer
    nl = b"\n" if is_bytes else "\n"
    rfind, find, size = source.rfind, source.find, len(source)
    kept = []
    for at in offsets:
        begin = rfind(nl, 0, at) + 1  # type: ignore[arg-type]
        end = find(nl, at)  # type: ignore[arg-type]
        line = source[begin : end if end >= 0 else size]
        kept.append(search(line.decode("ascii") if is_bytes else line) is not None)  # type: ignore[union-attr]
    return list(compress(lines, kept))
