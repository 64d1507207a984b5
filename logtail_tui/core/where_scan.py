"""A where filter over a chunk of the scrollback: a cheap bulk test, then the exact one.

Parsing every line's JSON costs microseconds a line; most lines of a big scrollback cannot
match, and a substring test in C says so for a tenth of a microsecond. From the expression
we derive what every matching line must contain, as clauses (each a tuple of needles of
which at least one occurs; every clause must hold):

* a condition on field ``status`` needs the text ``status`` (a JSON key or logfmt pair) or,
  for access-log fields, the access-log mark ``] "``; syslog fields need nothing (no
  reliable mark);
* ``svc=api`` also needs ``api``, and ``path~^/api`` the literals its regex requires, when
  they are made of characters JSON and logfmt never escape;
* ``and`` joins clauses, ``or`` unites one clause of each side, ``not`` requires nothing;
  ``level`` and ``time`` need nothing.

Only lines that pass every clause are parsed and asked (`Row`), so the cost follows the
candidates, not the scrollback (docs/architecture.md, "Fields and the where filter").
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Sequence
from functools import lru_cache, partial, reduce
from itertools import compress, repeat

from logtail_tui.core.chunks import Chunk, FileChunk, TextChunk
from logtail_tui.core.matching import lines_matching, plan_for
from logtail_tui.core.record_fields import ACCESS_FIELDS, ACCESS_MARK, SYSLOG_FIELDS
from logtail_tui.core.where import MATCHING, And, Compare, Node, Not, Or
from logtail_tui.core.where_eval import Row, Where

Clause = tuple["str | re.Pattern[str]", ...]
"""Needles (literal text) and patterns; a line holds the clause when any one is in it."""
_SAFE = re.compile(r"[A-Za-z0-9_.:@ -]{2,}")
"""Runs of characters that appear as typed in JSON strings and logfmt values."""


def _safe_part(text: str) -> str | None:
    """The longest run of ``text`` that occurs unescaped wherever the value does."""
    runs = _SAFE.findall(text)
    return max(runs, key=len) if runs else None


def _value_needle(node: Compare) -> str | None:
    if node.op == "=" and node.value.number is None:
        return _safe_part(node.value.text)
    if node.op == "~":
        plan = plan_for(re.compile(node.value.text))
        if not plan.fold and len(plan.needles) == 1:
            return _safe_part(plan.needles[0])
    return None


def clauses(node: Node) -> list[Clause]:
    """What every line ``node`` can match contains (see the module docstring)."""
    if isinstance(node, And):
        return clauses(node.left) + clauses(node.right)
    if isinstance(node, Or):
        left, right = clauses(node.left), clauses(node.right)
        if not left or not right:
            return []
        # Any one clause of each side is required of that side; keep the most selective.
        pick = max(left, key=_selectivity), max(right, key=_selectivity)
        return [tuple(dict.fromkeys(pick[0] + pick[1]))]
    if isinstance(node, Not):
        return []
    name = node.field
    if name in ("level", "time") or name in SYSLOG_FIELDS:
        return []
    numeric = _numeric_pattern(node) if isinstance(node, Compare) else None
    if numeric is not None:
        return [numeric]
    key = name.rsplit(".", 1)[-1]  # a nested "http.status" is written "status" inside
    found: list[Clause] = [(key, ACCESS_MARK) if name in ACCESS_FIELDS else (key,)]
    needle = _value_needle(node) if isinstance(node, Compare) else None
    if needle is not None:
        found.append((needle,))
    return found


_REQUEST = r'\] "[^"\\\n]*+(?:\\[^\n][^"\\\n]*+)*+" '
"""An access log's quoted request, after the time; the status follows."""


def _number_text(op: str, number: float) -> str | None:
    """A regex every number ``op number`` holds for starts with (as JSON or logfmt write
    it, quoted or not); ``None`` where no simple one exists (below 1, ``!=``)."""
    if not (math.isfinite(number) and number >= 1) or op == "!=":
        return None
    whole = str(math.floor(number))
    digits, first = len(whole), whole[0]
    scientific = r"\+?[\d.]+[eE]"
    if op in (">", ">="):
        # At least `number`: more digits, or as many with a first digit no smaller.
        bigger = rf"\+?0*(?:[1-9]\d{{{digits}}}|[{first}-9]\d{{{digits - 1}}})"
        return f"(?:{bigger}|{scientific})"
    if op in ("<", "<="):
        shorter = [rf"\+?0*\d{{1,{digits - 1}}}(?!\d)"] if digits > 1 else []
        same = rf"\+?0*[0-{first}]\d{{{digits - 1}}}(?!\d)"
        return "(?:" + "|".join(["-", r"\+?\.", *shorter, same, scientific]) + ")"
    return rf"(?:\+?0*{whole}(?!\d)|{scientific})"


def _numeric_pattern(node: Compare) -> tuple[re.Pattern[str], ...] | None:
    """For a number compared with a top-level field: where such a value can be written
    (a JSON member, a logfmt pair, an access log's status or bytes), or ``\\u`` (JSON
    escapes could spell the key or the value otherwise)."""
    if node.op in MATCHING or node.value.number is None or "." in node.field:
        return None
    value = _number_text(node.op, node.value.number)
    if value is None:
        return None
    key = re.escape(node.field)
    # Each form starts with a literal, which sre scans for quickly; none crosses a line feed.
    forms = [rf'"{key}"[ \t]*:[ \t]*"?{value}', rf'{key}=(?<![^\s]{key}=)"?{value}', r"\\u"]
    if node.field == "status":
        forms.append(_REQUEST + value)
    elif node.field == "bytes":
        forms.append(_REQUEST + r"\d{3} " + value)
    elif node.field in ACCESS_FIELDS:
        forms.append(re.escape(ACCESS_MARK))
    return tuple(map(re.compile, forms))


def _selectivity(clause: Clause) -> tuple[int, int]:
    if not all(isinstance(part, str) for part in clause):
        return 8, -len(clause)  # a value pattern: about as good as a long needle
    return min(map(len, clause)), -len(clause)  # type: ignore[arg-type]


def _holding(clause: Clause, lines: list[str]) -> list[int]:
    """Indices of ``lines`` holding the clause (any needle in it, or any pattern found)."""
    needles = [p for p in clause if isinstance(p, str)]
    patterns = [p for p in clause if not isinstance(p, str)]
    if not patterns:
        masks = [map(str.__contains__, lines, repeat(needle)) for needle in needles]
        mask = reduce(partial(map, operator.or_), masks)  # type: ignore[arg-type]
        return list(compress(range(len(lines)), mask))
    patterns = _patterns(clause)
    blob = "\n".join(lines)
    if blob.count("\n") != len(lines) - 1:  # a line holds a line feed: ask line by line
        return sorted(set().union(*(lines_matching(p, lines) for p in patterns)))
    found: set[int] = set()
    for pattern in patterns:
        found.update(line for line, _ in _sweep(pattern, blob))
    return sorted(found)


def _sweep(pattern: re.Pattern[str], blob: str) -> list[tuple[int, int]]:
    """``(line, offset where it starts)`` of the lines of ``blob`` where ``pattern`` starts a
    match: one scan of the whole buffer, cheap when matches are rare (values that cannot
    pass make the pattern fail early)."""
    out: list[tuple[int, int]] = []
    line = pos = 0
    count, rfind = blob.count, blob.rfind
    for start in map(re.Match.start, pattern.finditer(blob)):
        line += count("\n", pos, start)
        pos = start
        if not out or out[-1][0] != line:
            out.append((line, rfind("\n", 0, start) + 1))
    return out


def _patterns(clause: Clause) -> list[re.Pattern[str]]:
    return [re.compile(re.escape(p)) if isinstance(p, str) else p for p in clause]


def _file_sweep(
    clause: Clause, chunk: Chunk, picked: Sequence[int]
) -> tuple[list[int], list[str]] | None:
    """For a file chunk of clean ASCII: the ``picked`` lines holding a clause with value
    patterns, and their text, found over the chunk's bytes without splitting them into
    lines; ``None`` when that does not apply."""
    if not isinstance(chunk, FileChunk) or all(isinstance(p, str) for p in clause):
        return None
    data = chunk.raw_bytes()
    if len(data) != chunk.length or not data.isascii() or b"\r" in data:
        return None
    blob = data.decode("ascii")
    found: dict[int, int] = {}
    for pattern in _patterns(clause):
        for line, begin in _sweep(pattern, blob):
            found.setdefault(line, begin)
    lo, hi = picked[0], picked[-1] + 1
    wanted = sorted(k for k in found if lo <= k < hi)
    if len(picked) != hi - lo:
        kept = set(picked)
        wanted = [k for k in wanted if k in kept]
    find, size = blob.find, len(blob)
    texts = []
    for k in wanted:
        begin = found[k]
        end = find("\n", begin)
        texts.append(blob[begin : end if end >= 0 else size])
    return wanted, texts


@lru_cache(maxsize=32)
def _clauses_of(where: Where) -> tuple[Clause, ...]:
    # The most selective first: later clauses then look at fewer lines.
    return tuple(sorted(clauses(where.node), key=_selectivity, reverse=True))


def _originals(chunk: Chunk, i: int, j: int) -> tuple[list[str], Sequence[str | None] | None]:
    """Lines ``i .. j-1`` as the source sent them (raw original, else text), and their
    own time texts (structured stream records only)."""
    if isinstance(chunk, TextChunk):
        texts, raws, times = chunk._cols()  # the columns, read only
        shown = texts[i:j]
        if raws is not None:
            shown = [r or t for r, t in zip(raws[i:j], shown, strict=True)]
        return shown, (times[i:j] if times is not None else None)
    return chunk.texts(i, j), None


def where_in_chunk(where: Where, chunk: Chunk, picked: Sequence[int]) -> list[int]:
    """The chunk indices of ``picked`` (ascending) whose records ``where`` passes."""
    if not picked:
        return []
    i, j = picked[0], picked[-1] + 1
    todo = _clauses_of(where)
    swept = _file_sweep(todo[0], chunk, picked) if todo else None
    numbers: Sequence[int]
    times: Sequence[str | None] | None = None
    if swept is not None:
        (numbers, lines), todo = swept, todo[1:]
    else:
        lines, times = _originals(chunk, i, j)
        numbers = picked
        if len(picked) != j - i:
            lines = list(map(lines.__getitem__, map((-i).__add__, picked)))
    for clause in todo:
        hits = _holding(clause, lines)
        if len(hits) != len(lines):
            numbers = list(map(numbers.__getitem__, hits))
            lines = list(map(lines.__getitem__, hits))
        if not numbers:
            return []
    test, levels = where.test, chunk.levels
    if times is None:
        rows = map(Row, lines, map(levels.__getitem__, numbers))
    else:
        rows = map(
            Row,
            lines,
            map(levels.__getitem__, numbers),
            map(times.__getitem__, map((-i).__add__, numbers)),
        )
    return list(compress(numbers, map(test, rows)))
