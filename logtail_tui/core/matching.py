"""Which lines of a chunk a regex matches, fast: the engine under filters and search.

`lines_matching(pattern, texts)` is exactly ``[i for i, t in enumerate(texts) if
pattern.search(t)]`` (the tests check it against random text); the tricks below only decide
which lines need asking. Measured on 1M log lines of ~100 characters
(``scripts/bench_filter.py``):

* Asking every line costs ~0.13 s for a cheap pattern, whether from a Python loop or from
  ``map(pattern.search, texts)`` fed to ``itertools.compress`` (used here: no bytecode a line).
* Running one regex over a ``"\\n"``-joined chunk is no faster: sre's scan dominates, not
  the calls. A pattern that starts with a literal is already scanned at ``str.find`` speed.
* What is slow is ``re.IGNORECASE`` (0.65 s: sre has no fast scan for it) and patterns with
  no leading literal (``\\d{3} ms``: 1.5 s). Almost every such pattern contains a literal
  that each match must contain (`` ms``; ``timeout`` for ``(?i)timeout``; ``api`` or ``db``
  for ``api|db``). Lines without it are discarded first with ``str.__contains__`` mapped in
  C, or for rare needles one split of the joined chunk at the needle (`occurrences`); the
  regex then runs on the candidates only, and not at all when the pattern is just that
  literal.
* Case-insensitive work is done on ``str.lower`` copies with case-sensitive needles and
  regex: on ASCII text that is exactly ``re.IGNORECASE``; other lines go to the real regex.

The regex is read with the standard library's own parser (``re._parser``). That is an
optimisation only: if the private module changes, we lose speed, never correctness.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache, partial, reduce
from itertools import accumulate, chain, compress, repeat
from typing import Any

from logtail_tui.core.native import MAX_NEEDLES

_SAMPLE = 128
"""Lines sampled from a chunk to guess whether hits are rare."""
_MAX_NEEDLES = MAX_NEEDLES
"""Alternations with more literals than this are left to the regex (the C helper looks for
this many in one pass)."""
_MIN_LITERAL = 3
"""Shortest required literal worth pre-filtering with when the regex must still run."""
_OPS = [
    "LITERAL",
    "NOT_LITERAL",
    "RANGE",
    "IN",
    "NEGATE",
    "CATEGORY",
    "ANY",
    "AT",
    "GROUPREF",
    "SUBPATTERN",
    "BRANCH",
    "ASSERT",
    "ASSERT_NOT",
    "ATOMIC_GROUP",
    "GROUPREF_EXISTS",
    "MAX_REPEAT",
    "MIN_REPEAT",
    "POSSESSIVE_REPEAT",
]


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to find the lines of a chunk that ``pattern`` matches."""

    pattern: re.Pattern[str]
    needles: tuple[str, ...] = ()
    """Every match contains at least one of these (empty: no pre-filter, just the regex)."""
    fold: bool = False
    """The pattern ignores case; needles are then lower-case ASCII, for lower-cased text."""
    exact: bool = False
    """Containing a needle is the same as matching (the pattern is a literal or literals)."""
    lowered: re.Pattern[str] | None = None
    """For ``fold``: a case-sensitive twin that matches lower-cased ASCII text exactly as
    ``pattern`` matches the original (sre's IGNORECASE scan is 3-5 times slower)."""
    prefix: str = ""
    """The literal every match starts with (lower case for ``fold``), when the pattern has
    no needles because sre finds that literal itself; empty otherwise."""


_Items = Iterable[tuple[Any, Any]]


def _requirements(items: _Items, ops: dict[str, Any], depth: int = 0) -> list[tuple[str, ...]]:
    """What every match of the parsed sequence ``items`` contains: a list of requirements,
    each a tuple of alternatives of which at least one occurs."""
    found: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, av in items:
        if op is ops["LITERAL"]:
            run.append(chr(av))
            continue
        if run:
            found.append(("".join(run),))
            run = []
        if depth > 20:
            continue
        if op is ops["SUBPATTERN"]:
            # An inner (?i:...) makes its literals case-blind; they cannot be required as typed.
            if not av[1] & re.IGNORECASE:
                found.extend(_requirements(av[3], ops, depth + 1))
        elif op in (ops["MAX_REPEAT"], ops["MIN_REPEAT"], ops["POSSESSIVE_REPEAT"]):
            if av[0] >= 1:
                found.extend(_requirements(av[2], ops, depth + 1))
        elif op is ops["ATOMIC_GROUP"]:
            found.extend(_requirements(av, ops, depth + 1))
        elif op is ops["BRANCH"]:
            # One requirement per branch; their union is required of the alternation.
            union: list[str] = []
            for branch in av[1]:
                best = _best(_requirements(branch, ops, depth + 1))
                if best is None:
                    union = []
                    break
                union.extend(best)
            if 0 < len(union) <= _MAX_NEEDLES:
                found.append(tuple(dict.fromkeys(union)))
        # Anything else (classes, anchors, lookarounds, back-references) just ends the run.
    if run:
        found.append(("".join(run),))
    return found


def _best(requirements: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The most selective requirement: longest shortest needle, then fewest needles."""
    if not requirements:
        return None
    return max(requirements, key=lambda r: (min(map(len, r)), -len(r)))


def _is_literal(items: _Items, ops: dict[str, Any]) -> bool:
    items = list(items)
    return bool(items) and all(op is ops["LITERAL"] for op, _ in items)


def _case_blind(items: _Items, ops: dict[str, Any], depth: int = 0) -> bool:
    """Whether an IGNORECASE pattern can run case-sensitively on lower-cased ASCII text.

    True when every character it names is ASCII and not upper-case (an upper-case one, or a
    non-ASCII one such as the Kelvin sign, may match a different letter once case is folded),
    and no part of it switches IGNORECASE off. Unknown constructs answer False.
    """
    if depth > 20:
        return False
    for op, av in items:
        if op in (ops["LITERAL"], ops["NOT_LITERAL"]):
            if av >= 128 or chr(av).isupper():
                return False
        elif op is ops["RANGE"]:
            if av[1] >= 128 or (av[0] <= ord("Z") and av[1] >= ord("A")):
                return False
        elif op is ops["IN"]:
            if not _case_blind(av, ops, depth + 1):
                return False
        elif op is ops["SUBPATTERN"]:
            if av[2] & re.IGNORECASE or not _case_blind(av[3], ops, depth + 1):
                return False
        elif op is ops["BRANCH"]:
            if not all(_case_blind(b, ops, depth + 1) for b in av[1]):
                return False
        elif op in (ops["MAX_REPEAT"], ops["MIN_REPEAT"], ops["POSSESSIVE_REPEAT"]):
            if not _case_blind(av[2], ops, depth + 1):
                return False
        elif op in (ops["ASSERT"], ops["ASSERT_NOT"]):
            if not _case_blind(av[1], ops, depth + 1):
                return False
        elif op is ops["ATOMIC_GROUP"]:
            if not _case_blind(av, ops, depth + 1):
                return False
        elif op is ops["GROUPREF_EXISTS"]:
            if not all(_case_blind(b, ops, depth + 1) for b in av[1:] if b is not None):
                return False
        elif op not in (ops["NEGATE"], ops["CATEGORY"], ops["ANY"], ops["AT"], ops["GROUPREF"]):
            return False
    return True


def _plan(pattern: re.Pattern[str]) -> _Plan:
    """Find the needles to pre-filter with; on any surprise, plan to run the regex alone."""
    fold = bool(pattern.flags & re.IGNORECASE)
    lowered = None
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]

        ops = {name: getattr(_constants, name) for name in _OPS}
        parsed = list(_parser.parse(pattern.pattern, pattern.flags))
        requirements = _requirements(parsed, ops)
        exact = len(parsed) == 1 and parsed[0][0] is ops["BRANCH"]
        exact = exact and all(_is_literal(b, ops) for b in parsed[0][1][1])
        exact = (exact or _is_literal(parsed, ops)) and len(requirements) == 1
        if fold and _case_blind(parsed, ops):
            lowered = re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)
        # sre scans for a leading literal as fast as str.find (case-sensitively): no need then.
        prefixed = (
            bool(parsed) and parsed[0][0] is ops["LITERAL"] and (not fold or lowered is not None)
        )
        lead = []
        for op, av in parsed:
            if op is not ops["LITERAL"]:
                break
            lead.append(chr(av))
        prefix = "".join(lead).lower() if fold else "".join(lead)
    except (ImportError, AttributeError, TypeError, ValueError, IndexError, RecursionError):
        return _Plan(pattern)
    if fold:
        # str.lower() agrees with re.IGNORECASE only between ASCII characters.
        requirements = [
            tuple(n.lower() for n in r) for r in requirements if all(n.isascii() for n in r)
        ]
    requirements = [r for r in requirements if all(n and "\n" not in n for n in r)]
    best = _best(requirements)
    if best is None or (not exact and (prefixed or min(map(len, best)) < _MIN_LITERAL)):
        usable = prefixed and prefix.isascii() and "\n" not in prefix
        return _Plan(pattern, (), fold, False, lowered, prefix if usable else "")
    return _Plan(pattern, best, fold, exact, lowered)


def plan_for(pattern: re.Pattern[str]) -> _Plan:
    """The plan for ``pattern`` (cached): needles, case folding and the lower-case twin."""
    return _cached_plan(pattern)


@lru_cache(maxsize=64)
def _cached_plan(pattern: re.Pattern[str]) -> _Plan:
    return _plan(pattern)


def occurrences(
    hay: str | bytes, needle: str | bytes, with_offsets: bool = False
) -> tuple[list[int], list[int]]:
    """Lines (and offsets, if asked) of every non-overlapping occurrence of ``needle`` in
    ``hay``, lines joined by line feeds.

    ``hay.split(needle)`` cuts at every occurrence in C and the line feeds of each piece,
    counted by ``count`` mapped in C and summed by ``accumulate``, number them: about the
    cost of one copy of ``hay`` however many hits there are.
    """
    pieces = hay.split(needle)  # type: ignore[arg-type]
    if len(pieces) == 1:
        return [], []
    pieces.pop()
    nl = b"\n" if isinstance(hay, bytes) else "\n"
    lines = list(accumulate(map(type(hay).count, pieces, repeat(nl))))  # type: ignore[arg-type]
    if not with_offsets:
        return lines, []
    width = len(needle)
    ends = accumulate(map(width.__add__, map(len, pieces)))
    return lines, list(map((-width).__add__, ends))


def _blob_find(texts: Sequence[str], needle: str, fold: bool) -> list[int] | None:
    """Lines containing ``needle``, found over the joined chunk (`occurrences`); ``None``
    when a line holds a line feed itself and would throw off the count."""
    blob = "\n".join(texts)
    if blob.count("\n") != len(texts) - 1:
        return None
    return list(dict.fromkeys(occurrences(blob.lower() if fold else blob, needle)[0]))


def _containing(texts: Sequence[str], needles: tuple[str, ...], fold: bool) -> list[int]:
    """Indices of ``texts`` containing any of ``needles`` (lower-cased texts when ``fold``)."""
    n = len(texts)
    if len(needles) == 1 and n >= 4 * _SAMPLE:
        # Sample first: a sweep over the joined chunk only beats asking every line (a C-level
        # map of str.__contains__, ~0.13 us a line) when hits are rare.
        sample = texts[:: n // _SAMPLE]
        sample_src = map(str.lower, sample) if fold else sample
        if not any(map(str.__contains__, sample_src, repeat(needles[0]))):
            found = _blob_find(texts, needles[0], fold)
            if found is not None:
                return found
    rest = texts
    if fold:
        rest = list(map(str.lower, texts)) if len(needles) > 1 else map(str.lower, texts)  # type: ignore[assignment]
    masks = [map(str.__contains__, rest, repeat(needle)) for needle in needles]
    mask = reduce(partial(map, operator.or_), masks)  # type: ignore[arg-type]
    return list(compress(range(n), mask))


def lines_matching(pattern: re.Pattern[str], texts: Sequence[str]) -> list[int]:
    """Indices of the lines in ``texts`` where ``pattern.search`` finds a match, ascending.

    Equivalent to ``[i for i, t in enumerate(texts) if pattern.search(t)]``, faster on
    log-shaped text (see the module docstring).
    """
    if not texts:
        return []
    plan = plan_for(pattern)
    if not plan.fold or all(map(str.isascii, texts)):
        return _ascii_or_case_sensitive(plan, texts)
    # Case folding by str.lower() is only exact on ASCII: the real regex asks the other lines.
    is_ascii = bytes(map(str.isascii, texts))
    plain = list(compress(range(len(texts)), is_ascii))
    other = list(compress(range(len(texts)), map(operator.not_, is_ascii)))
    found = map(
        plain.__getitem__, _ascii_or_case_sensitive(plan, list(map(texts.__getitem__, plain)))
    )
    rest = compress(other, map(pattern.search, map(texts.__getitem__, other)))
    return sorted(chain(found, rest))


def _ascii_or_case_sensitive(plan: _Plan, texts: Sequence[str]) -> list[int]:
    """`lines_matching` when the pattern is case-sensitive or every line is ASCII."""
    if plan.lowered is not None:
        search = plan.lowered.search
        if not plan.needles:
            return list(compress(range(len(texts)), map(search, map(str.lower, texts))))
        candidates = _containing(texts, plan.needles, True)
        if plan.exact:
            return candidates
        found = map(search, map(str.lower, map(texts.__getitem__, candidates)))
        return list(compress(candidates, found))
    search = plan.pattern.search
    if not plan.needles:
        return list(compress(range(len(texts)), map(search, texts)))
    candidates = _containing(texts, plan.needles, plan.fold)
    if plan.exact:
        return candidates
    return list(compress(candidates, map(search, map(texts.__getitem__, candidates))))
