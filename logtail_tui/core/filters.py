"""Which records are shown: minimum level, hidden levels, include / exclude regular expressions.

Used by the plain printer line by line (`LineFilter.matches`) and by the TUI over whole
chunks of the store (`LineFilter.select`, `lines_matching`), which is where speed is won.

Measured on 1M log lines of ~100 characters (``scripts/bench_filter.py``):

* Asking every line costs ~0.13 s for a cheap pattern, whether from a Python loop or from
  ``map(pattern.search, texts)`` fed to ``itertools.compress`` (used here: no bytecode a line).
* Running one regex over a ``"\\n"``-joined chunk is no faster: sre's scan dominates, not
  the calls. A pattern that starts with a literal is already scanned at ``str.find`` speed.
* What is slow is ``re.IGNORECASE`` (0.65 s: sre has no fast scan for it) and patterns
  with no leading literal (``\\d{3} ms``: 1.5 s). Almost every such pattern contains a
  literal that each match must contain (`` ms``; ``timeout`` for ``(?i)timeout``; ``api`` or
  ``db`` for ``api|db``). Lines without it are discarded first with ``str.__contains__``
  mapped in C (on ``str.lower`` copies for IGNORECASE: exact for ASCII text; other text
  goes to the regex), or for rare needles one ``str.find`` sweep over the joined chunk; the
  regex then runs on the candidates only, and not at all when the pattern is that literal.
* Levels never touch the text: ``bytes.translate`` turns the ``levels`` column into a 0/1
  mask and ``itertools.compress`` picks the survivors.

The semantics are always exactly those of ``pattern.search(line)`` per line (the tests check
this against random text); the tricks only decide which lines need asking.
"""

from __future__ import annotations

import operator
import re
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial, reduce
from itertools import compress, repeat

from logtail_tui.core.record import Level, effective

_SPARSE = 64
"""Give up ``str.find`` over the joined chunk once more than 1 line in this many matches."""
_SAMPLE = 128
"""Lines sampled from a chunk to guess whether hits are rare."""
_MAX_NEEDLES = 4
"""Alternations with more literals than this are left to the regex."""
_MIN_LITERAL = 3
"""Shortest required literal worth pre-filtering with when the regex must still run."""


def compile_pattern(pattern: str, what: str = "pattern", flags: int = 0) -> re.Pattern[str]:
    """Compile a user regex; a bad one raises ``ValueError`` with a one-sentence reason."""
    try:
        return re.compile(pattern, flags)
    except re.error as exc:
        raise ValueError(
            f"invalid {what} regex {pattern!r} ({exc}): fix it or escape special characters "
            "with a backslash"
        ) from None


# -- the chunk engine ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Plan:
    """How to find the lines of a chunk that ``pattern`` matches."""

    pattern: re.Pattern[str]
    needles: tuple[str, ...] = ()
    """Every match contains at least one of these (empty: no pre-filter, just the regex)."""
    fold: bool = False
    """Compare needles case-insensitively (they are then lower-case ASCII)."""
    exact: bool = False
    """Containing a needle is the same as matching (the pattern is a literal or literals)."""


_Ops = dict[str, object]
_Items = Iterable[tuple[object, object]]


def _requirements(items: _Items, ops: _Ops, depth: int = 0) -> list[tuple[str, ...]]:
    """What every match of the parsed sequence ``items`` contains: a list of requirements,
    each a tuple of alternatives of which at least one occurs."""
    found: list[tuple[str, ...]] = []
    run: list[str] = []
    for op, av in items:
        if op is ops["LITERAL"]:
            run.append(chr(av))  # type: ignore[arg-type]
            continue
        if run:
            found.append(("".join(run),))
            run = []
        if depth > 20:
            continue
        if op is ops["SUBPATTERN"]:
            _group, add_flags, _del_flags, sub = av  # type: ignore[misc]
            # An inner (?i:...) makes its literals case-blind; they cannot be required as typed.
            if not add_flags & re.IGNORECASE:
                found.extend(_requirements(sub, ops, depth + 1))
        elif op in (ops["MAX_REPEAT"], ops["MIN_REPEAT"], ops["POSSESSIVE_REPEAT"]):
            low, _high, sub = av  # type: ignore[misc]
            if low >= 1:
                found.extend(_requirements(sub, ops, depth + 1))
        elif op is ops["ATOMIC_GROUP"]:
            found.extend(_requirements(av, ops, depth + 1))  # type: ignore[arg-type]
        elif op is ops["BRANCH"]:
            # One requirement per branch; their union is required of the alternation.
            union: list[str] = []
            for branch in av[1]:  # type: ignore[index]
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


def _is_literal(items: _Items, ops: _Ops) -> bool:
    items = list(items)
    return bool(items) and all(op is ops["LITERAL"] for op, _ in items)


def _plan(pattern: re.Pattern[str]) -> _Plan:
    """Find the needles to pre-filter with; on any surprise, plan to run the regex alone.

    This reads the regex with the standard library's own parser (``re._parser``). It is an
    optimisation only: if that private module changes, we lose speed, never correctness.
    """
    fold = bool(pattern.flags & re.IGNORECASE)
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]

        names = ("LITERAL", "SUBPATTERN", "MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
        ops = {name: getattr(_constants, name) for name in (*names, "ATOMIC_GROUP", "BRANCH")}
        parsed = list(_parser.parse(pattern.pattern, pattern.flags))
        requirements = _requirements(parsed, ops)
        exact = len(parsed) == 1 and parsed[0][0] is ops["BRANCH"]
        exact = exact and all(_is_literal(b, ops) for b in parsed[0][1][1])
        exact = (exact or _is_literal(parsed, ops)) and len(requirements) == 1
        # sre scans for a leading literal as fast as str.find: nothing to gain then.
        prefixed = bool(parsed) and parsed[0][0] is ops["LITERAL"] and not fold
    except (
        ImportError,
        AttributeError,
        TypeError,
        ValueError,
        IndexError,
        re.error,
        RecursionError,
    ):
        return _Plan(pattern)
    if fold:
        # str.lower() agrees with re.IGNORECASE only between ASCII characters.
        requirements = [
            tuple(n.lower() for n in r) for r in requirements if all(n.isascii() for n in r)
        ]
    requirements = [r for r in requirements if all(n and "\n" not in n for n in r)]
    best = _best(requirements)
    if best is None or (not exact and (prefixed or min(map(len, best)) < _MIN_LITERAL)):
        return _Plan(pattern)
    return _Plan(pattern, best, fold, exact)


def _blob_find(texts: Sequence[str], needle: str, fold: bool) -> tuple[list[int], int]:
    """Lines containing ``needle`` by one ``str.find`` sweep over the joined chunk.

    Returns the hits and how many lines were examined: the sweep stops early once hits turn
    dense, where asking line by line is cheaper than the per-hit bookkeeping.
    """
    n = len(texts)
    blob = "\n".join(texts)
    if blob.count("\n") != n - 1:
        return [], 0  # a line holds "\n" itself and would throw off the line count
    if fold:
        blob = blob.lower()
    find, count = blob.find, blob.count
    budget = n // _SPARSE + 16
    out: list[int] = []
    line = pos = 0
    while len(out) <= budget:
        j = find(needle, pos)
        if j < 0:
            return out, n
        line += count("\n", pos, j)
        out.append(line)
        nl = find("\n", j + len(needle))
        if nl < 0:
            return out, n
        line += 1
        pos = nl + 1
    return out, line


def _containing(texts: Sequence[str], needles: tuple[str, ...], fold: bool) -> list[int]:
    """Indices of ``texts`` containing any of ``needles`` (lower-cased texts when ``fold``)."""
    n = len(texts)
    out: list[int] = []
    done = 0
    if len(needles) == 1 and n >= 4 * _SAMPLE:
        # Sample first: a sweep over the joined chunk only beats asking every line (a C-level
        # map of str.__contains__, ~0.13 us a line) when hits are rare.
        sample = texts[:: n // _SAMPLE]
        sample_src = map(str.lower, sample) if fold else sample
        if not any(map(str.__contains__, sample_src, repeat(needles[0]))):
            out, done = _blob_find(texts, needles[0], fold)
    if done == n:
        return out
    rest = texts[done:] if done else texts
    source = list(map(str.lower, rest)) if fold and len(needles) > 1 else rest
    if fold and len(needles) == 1:
        source = map(str.lower, rest)  # type: ignore[assignment]
    masks = [map(str.__contains__, source, repeat(needle)) for needle in needles]
    mask = reduce(partial(map, operator.or_), masks)  # type: ignore[arg-type]
    out.extend(compress(range(done, n), mask))
    return out


def lines_matching(pattern: re.Pattern[str], texts: Sequence[str]) -> list[int]:
    """Indices of the lines in ``texts`` where ``pattern.search`` finds a match, ascending.

    Equivalent to ``[i for i, t in enumerate(texts) if pattern.search(t)]``, faster on
    log-shaped text (see the module docstring).
    """
    if not texts:
        return []
    plan = _plan(pattern)
    search = pattern.search
    if not plan.needles:
        return list(compress(range(len(texts)), map(search, texts)))
    if plan.fold and not all(map(str.isascii, texts)):
        # Non-ASCII lines: lower() and IGNORECASE may disagree, so the regex decides those.
        needles, exact = plan.needles, plan.exact
        return [
            i
            for i, t in enumerate(texts)
            if (
                (any(n in t.lower() for n in needles) and (exact or search(t)))
                if t.isascii()
                else search(t)
            )
        ]
    candidates = _containing(texts, plan.needles, plan.fold)
    if plan.exact:
        return candidates
    return list(compress(candidates, map(search, map(texts.__getitem__, candidates))))


# -- the filter --------------------------------------------------------------------------


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

    @classmethod
    def build(
        cls,
        level: int = Level.NONE,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        hidden_levels: Iterable[int] = (),
        sources: Iterable[int] = (),
    ) -> LineFilter:
        """Compile user input; raises ``ValueError`` with one sentence on a bad regex.

        Args:
            level: Minimum level shown.
            include: Regexes; a line must match at least one. Empty strings are ignored.
            exclude: Regexes; a line matching any of them is hidden.
            hidden_levels: Levels hidden one by one (``NONE`` is read as ``INFO``).
            sources: Source indices shown; empty shows all.
        """
        return cls(
            level,
            tuple(compile_pattern(p, "include") for p in include if p),
            tuple(compile_pattern(p, "exclude") for p in exclude if p),
            frozenset(effective(v) for v in hidden_levels),
            frozenset(sources),
        )

    @property
    def active(self) -> bool:
        """Whether any line could be hidden (an inactive filter lets the view skip indexing)."""
        return bool(
            self.level > Level.TRACE
            or self.include
            or self.exclude
            or self.hidden_levels
            or self.sources
        )

    def matches(self, text: str, level: int, source: int = 0) -> bool:
        """Whether one line passes (the per-line reference; use `select` for many lines)."""
        lv = effective(level)
        if (self.level and lv < self.level) or lv in self.hidden_levels:
            return False
        if self.sources and source not in self.sources:
            return False
        if self.include and not any(p.search(text) for p in self.include):
            return False
        return not any(p.search(text) for p in self.exclude)

    def level_table(self) -> bytes | None:
        """A ``bytes.translate`` table mapping a level byte to 1 (shown) or 0; ``None`` if all pass."""
        table = bytes(
            0
            if (self.level and effective(v) < self.level) or effective(v) in self.hidden_levels
            else 1
            for v in range(256)
        )
        return None if 0 not in table else table

    def select(
        self,
        texts: Sequence[str],
        levels: bytes | bytearray,
        sources: bytes | bytearray | None = None,
    ) -> list[int]:
        """Indices (into ``texts``) of the lines that pass, ascending.

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
            parts.append(f"level>={Level(self.level).label.lower()}")
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
        return " ".join(parts)


def _level_name(level: int) -> str:
    try:
        return Level(level).label.lower()
    except ValueError:
        return str(level)
