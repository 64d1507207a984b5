"""Which records are shown: minimum level, hidden levels, include / exclude regular expressions.

Used by the plain printer line by line (`LineFilter.matches`) and by the TUI over whole
chunks of the store (`LineFilter.select`, `lines_matching`), which is where speed is won.

Measured on a 1M-line store (design.md §4): a Python ``for`` loop of ``pattern.search`` per
line costs 0.2-1.5 s, and running one regex over a ``"\\n"``-joined chunk is no faster because
the regex engine's scan dominates, not the call overhead. What does help:

* Levels never touch the text: ``bytes.translate`` turns the ``levels`` column into a 0/1
  mask and ``itertools.compress`` picks the survivors in C.
* A regex almost always contains a literal every match must contain (``timeout`` in
  ``time(out|d out)``, `` miss`` in ``(cache|db) miss``). Lines without it are discarded with
  ``str.find`` over the joined chunk (memchr speed) or ``str.__contains__`` mapped in C, and
  the regex runs only on the few candidates. When the pattern *is* that literal, the regex
  never runs at all. Case-insensitive literals use ``str.lower`` on ASCII text, where it
  agrees exactly with ``re.IGNORECASE``; other text falls back to the regex.

The semantics are always those of ``pattern.search(line)`` per line; the tricks only decide
which lines need asking.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import compress, repeat

from logtail_tui.core.record import Level, effective

_DENSE = 8
"""Give up ``str.find`` over the joined chunk once more than 1 line in this many matches."""
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
    literal: str
    """A substring every match contains ("" when none was found)."""
    fold: bool
    """Compare the literal case-insensitively (``literal`` is then lower-case ASCII)."""
    exact: bool
    """Containing the literal is the same as matching (the pattern is just that literal)."""


def _required_runs(
    items: Iterable[tuple[object, object]], ops: dict[str, object], depth: int = 0
) -> list[str]:
    """Literal runs that every match of the parsed sequence ``items`` contains."""
    runs: list[str] = []
    current: list[str] = []
    for op, av in items:
        if op is ops["LITERAL"]:
            current.append(chr(av))  # type: ignore[arg-type]
            continue
        if current:
            runs.append("".join(current))
            current = []
        if depth > 20:
            continue
        if op is ops["SUBPATTERN"]:
            _group, add_flags, _del_flags, sub = av  # type: ignore[misc]
            # An inner (?i:...) makes its literals case-blind; they cannot be required as typed.
            if not add_flags & re.IGNORECASE:
                runs.extend(_required_runs(sub, ops, depth + 1))
        elif op in (ops["MAX_REPEAT"], ops["MIN_REPEAT"], ops["POSSESSIVE_REPEAT"]):
            low, _high, sub = av  # type: ignore[misc]
            if low >= 1:
                runs.extend(_required_runs(sub, ops, depth + 1))
        elif op is ops["ATOMIC_GROUP"]:
            runs.extend(_required_runs(av, ops, depth + 1))  # type: ignore[arg-type]
        # Anything else (classes, branches, anchors, lookarounds...) just ends the run.
    if current:
        runs.append("".join(current))
    return runs


def _plan(pattern: re.Pattern[str]) -> _Plan:
    """Find the literal to pre-filter with; on any surprise, plan to run the regex alone.

    This reads the regex with the standard library's own parser (``re._parser``). It is an
    optimisation only: if that private module changes, we lose speed, never correctness.
    """
    fold = bool(pattern.flags & re.IGNORECASE)
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]

        ops = {
            name: getattr(_constants, name)
            for name in (
                "LITERAL",
                "SUBPATTERN",
                "MAX_REPEAT",
                "MIN_REPEAT",
                "POSSESSIVE_REPEAT",
                "ATOMIC_GROUP",
            )
        }
        parsed = list(_parser.parse(pattern.pattern, pattern.flags))
        runs = _required_runs(parsed, ops)
    except (ImportError, AttributeError, TypeError, ValueError, re.error, RecursionError):
        return _Plan(pattern, "", fold, False)
    if fold:
        # str.lower() agrees with re.IGNORECASE only between ASCII characters.
        runs = [r.lower() for r in runs if r.isascii()]
    runs = [r for r in runs if "\n" not in r]
    if not runs:
        return _Plan(pattern, "", fold, False)
    literal = max(runs, key=len)
    exact = bool(parsed) and all(op is ops["LITERAL"] for op, _ in parsed) and len(runs) == 1
    if not exact and len(literal) < _MIN_LITERAL:
        # A short literal is in most lines: pre-filtering would only add a pass.
        return _Plan(pattern, "", fold, False)
    return _Plan(pattern, literal, fold, exact)


def _containing(texts: Sequence[str], needle: str, fold: bool) -> list[int]:
    """Indices of ``texts`` containing ``needle`` (lower-cased texts when ``fold``).

    Sparse hits: one ``str.find`` sweep over the joined chunk. Once hits turn dense the
    per-hit bookkeeping costs more than asking each line, so the rest is mapped in C.
    """
    n = len(texts)
    blob = "\n".join(texts)
    done = 0
    out: list[int] = []
    # A line holding "\n" itself would throw off the line count: ask line by line.
    if blob.count("\n") == n - 1:
        if fold:
            blob = blob.lower()
        find, count = blob.find, blob.count
        budget = n // _DENSE + 16
        line = pos = 0
        while True:
            j = find(needle, pos)
            if j < 0:
                return out
            line += count("\n", pos, j)
            out.append(line)
            nl = find("\n", j + len(needle))
            if nl < 0:
                return out
            line += 1
            pos = nl + 1
            if len(out) > budget:
                done = line
                break
    rest = texts[done:] if done else texts
    source = map(str.lower, rest) if fold else rest
    out.extend(compress(range(done, n), map(str.__contains__, source, repeat(needle))))
    return out


def lines_matching(pattern: re.Pattern[str], texts: Sequence[str]) -> list[int]:
    """Indices of the lines in ``texts`` where ``pattern.search`` finds a match, ascending.

    Equivalent to ``[i for i, t in enumerate(texts) if pattern.search(t)]``, several times
    faster on log-shaped text (see the module docstring).
    """
    if not texts:
        return []
    plan = _plan(pattern)
    search = pattern.search
    if not plan.literal:
        return list(compress(range(len(texts)), map(search, texts)))
    if plan.fold and not all(map(str.isascii, texts)):
        # Non-ASCII lines: lower() and IGNORECASE may disagree, so the regex decides those.
        needle, exact = plan.literal, plan.exact
        return [
            i
            for i, t in enumerate(texts)
            if ((needle in t.lower() and (exact or search(t))) if t.isascii() else search(t))
        ]
    candidates = _containing(texts, plan.literal, plan.fold)
    if plan.exact:
        return candidates
    return list(compress(candidates, map(search, map(texts.__getitem__, candidates))))


# -- the filter --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LineFilter:
    """A record passes when its level is at least ``level`` and not one of ``hidden_levels``,
    it matches any ``include`` pattern (or there are none), and it matches no ``exclude``
    pattern. A record without a level (``Level.NONE``) counts as ``INFO`` throughout."""

    level: int = Level.NONE
    """Minimum level shown; ``NONE`` or ``TRACE`` show everything."""
    include: tuple[re.Pattern[str], ...] = ()
    exclude: tuple[re.Pattern[str], ...] = ()
    hidden_levels: frozenset[int] = frozenset()
    """Levels switched off individually (``INFO`` also hides lines without a level)."""

    @classmethod
    def build(
        cls,
        level: int = Level.NONE,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
        hidden_levels: Iterable[int] = (),
    ) -> LineFilter:
        """Compile user input; raises ``ValueError`` with one sentence on a bad regex.

        Args:
            level: Minimum level shown.
            include: Regexes; a line must match at least one. Empty strings are ignored.
            exclude: Regexes; a line matching any of them is hidden.
            hidden_levels: Levels hidden one by one (``NONE`` is read as ``INFO``).
        """
        return cls(
            level,
            tuple(compile_pattern(p, "include") for p in include if p),
            tuple(compile_pattern(p, "exclude") for p in exclude if p),
            frozenset(effective(v) for v in hidden_levels),
        )

    @property
    def active(self) -> bool:
        """Whether any line could be hidden (an inactive filter lets the view skip indexing)."""
        return bool(self.level > Level.TRACE or self.include or self.exclude or self.hidden_levels)

    def matches(self, text: str, level: int) -> bool:
        """Whether one line passes (the per-line reference; use `select` for many lines)."""
        lv = effective(level)
        if (self.level and lv < self.level) or lv in self.hidden_levels:
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

    def select(self, texts: Sequence[str], levels: bytes | bytearray) -> list[int]:
        """Indices (into ``texts``) of the lines that pass, ascending.

        Args:
            texts: A chunk of lines.
            levels: Their levels, one byte each, as the store keeps them.
        """
        n = len(texts)
        picked: Sequence[int] = range(n)
        sub: Sequence[str] = texts
        table = self.level_table()
        if table is not None:
            mask = levels.translate(table)
            if mask.count(1) != n:
                picked = list(compress(picked, mask))
                sub = list(compress(texts, mask))
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
            for i in hits:
                keep[i] = 0
            picked = list(compress(picked, keep))
            if k + 1 < len(self.exclude):
                sub = list(compress(sub, keep))
        return picked if isinstance(picked, list) else list(picked)

    def describe(self) -> str:
        """Short text for the status bar, e.g. ``level>=warn hide:debug +/db/ -/health/``.

        Empty when the filter is not active.
        """
        parts: list[str] = []
        if self.level > Level.TRACE:
            parts.append(f"level>={Level(self.level).label.lower()}")
        if self.hidden_levels:
            parts.append("hide:" + ",".join(_level_name(v) for v in sorted(self.hidden_levels)))
        parts.extend(f"+/{p.pattern}/" for p in self.include)
        parts.extend(f"-/{p.pattern}/" for p in self.exclude)
        return " ".join(parts)


def _level_name(level: int) -> str:
    try:
        return Level(level).label.lower()
    except ValueError:
        return str(level)
