"""A small regex as a bit-parallel automaton, for the C helper to find its lines.

CPython's regex engine costs about 0.8 us a call; a filter like ``took \\d+ms`` asks it once
for every line holding ``took `` (an eighth of a busy log). Most regexes people type into a
filter are regular (no back-references, lookarounds or word boundaries) and small, and for
"does this line hold a match" a Glushkov automaton answers exactly that: one state bit per
character class of the pattern (at most 64), a table look-up or two a byte, no
backtracking, so no line is ever slow. Greedy or lazy makes no difference to whether a line
matches, so both are taken.

The automaton is built from Python's own parse of the regex (``re._parser``, as
`logtail_tui.core.matching` reads it), and each class is filled by asking Python's regex
which ASCII characters it matches, with the pattern's flags: ``\\s``, ``\\w`` and case
folding mean exactly what they mean to ``re``. It runs only over ASCII text (over other
text a class would need Unicode), and anything it cannot express (``\\b``, anchors inside,
lookarounds, a pattern matching the empty string, more than 64 positions) gives ``None``:
the caller then asks ``re``. See docs/architecture.md, "Native helper".
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from logtail_tui.core import native
from logtail_tui.core.matching import plan_for

_POSITIONS = 64
"""State bits: one per character class of the (expanded) pattern."""
_START, _END = 1, 2
"""Program flags: anchored at the line's start (``^``) / end (``$``)."""
_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}
_CLASS_FLAGS = re.IGNORECASE | re.ASCII | re.UNICODE


class _Unsupported(Exception):
    """The pattern has something the automaton does not do."""


@dataclass(frozen=True, slots=True)
class Automaton:
    """A Glushkov automaton: bit ``p`` of a state is "a match may have just read position
    ``p``" (a character class of the pattern)."""

    masks: tuple[int, ...]
    """For each byte, the positions whose class holds it."""
    follow: tuple[int, ...]
    """For each position, the positions that may come next."""
    first: int
    """Positions a match may begin with."""
    last: int
    """Positions a match may end with."""
    start: bool
    """Anchored at the line's start (``^``)."""
    end: bool
    """Anchored at the line's end (``$``)."""

    def program(self) -> bytes:
        """The form the C helper reads (``core/_native_regex.c`` gives the layout)."""
        words = max(1, (len(self.follow) + 7) // 8)
        tables = []
        for w in range(words):
            for byte in range(256):
                union = 0
                for bit in range(8):
                    p = 8 * w + bit
                    if byte >> bit & 1 and p < len(self.follow):
                        union |= self.follow[p]
                tables.append(union)
        flags = (_START if self.start else 0) | (_END if self.end else 0)
        header = [words, self.first, self.last, flags]
        return array("Q", [*header, *self.masks, *tables]).tobytes()

    def matches(self, line: bytes) -> bool:
        """Whether ``line`` (ASCII, no line feed) holds a match: the reference for the C
        helper's ``line_matches``."""
        state = 0
        for k, byte in enumerate(line):
            step = 0
            for p in range(len(self.follow)):
                if state >> p & 1:
                    step |= self.follow[p]
            if not self.start or k == 0:
                step |= self.first
            state = step & self.masks[byte]
            if state & self.last and not self.end:
                return True
        return bool(state & self.last)


@dataclass(slots=True)
class _Builder:
    """Glushkov's construction over the parse tree: each fragment is (nullable, first
    positions, last positions), and `follow` grows as fragments are joined."""

    ops: dict[str, Any]
    classes: list[int]
    follow: list[int]

    def leaf(self, source: str, flags: int) -> tuple[bool, int, int]:
        if len(self.classes) >= _POSITIONS:
            raise _Unsupported("too many positions")
        self.classes.append(_ascii_class(source, flags & _CLASS_FLAGS))
        self.follow.append(0)
        bit = 1 << (len(self.classes) - 1)
        return False, bit, bit

    def join(self, a: tuple[bool, int, int], b: tuple[bool, int, int]) -> tuple[bool, int, int]:
        for p in _bits(a[2]):
            self.follow[p] |= b[1]
        first = a[1] | (b[1] if a[0] else 0)
        last = b[2] | (a[2] if b[0] else 0)
        return a[0] and b[0], first, last

    def loop(self, a: tuple[bool, int, int]) -> None:
        for p in _bits(a[2]):
            self.follow[p] |= a[1]

    def sequence(self, items: Any, flags: int) -> tuple[bool, int, int]:
        frag = (True, 0, 0)
        for op, av in items:
            frag = self.join(frag, self.item(op, av, flags))
        return frag

    def item(self, op: Any, av: Any, flags: int) -> tuple[bool, int, int]:
        ops = self.ops
        source = _class_source(op, av, ops)
        if source is not None:
            return self.leaf(source, flags)
        if op is ops["SUBPATTERN"]:
            _group, add, remove, items = av
            return self.sequence(items, (flags | add) & ~remove)
        if op is ops["BRANCH"]:
            nullable, first, last = False, 0, 0
            for branch in av[1]:
                frag = self.sequence(branch, flags)
                nullable, first, last = nullable or frag[0], first | frag[1], last | frag[2]
            return nullable, first, last
        if op is ops["MAX_REPEAT"] or op is ops["MIN_REPEAT"]:  # greedy or lazy: same lines
            low, high, items = av
            before = len(self.classes)
            once = self.sequence(items, flags)
            if len(self.classes) == before:  # an empty body (``(){9999}``): nothing to repeat
                return once
            frag = (True, 0, 0)
            # The copy just made is the first; the 64 positions end a huge count soon.
            for k in range(max(low - 1, 0) if high == ops["MAXREPEAT"] else low):
                frag = self.join(frag, once if k == 0 else self.sequence(items, flags))
            used = max(low - 1, 0) if high == ops["MAXREPEAT"] else low  # copies so far
            if high == ops["MAXREPEAT"]:  # the last copy loops (x+ is x x*, one copy)
                more = once if used == 0 else self.sequence(items, flags)
                self.loop(more)
                return self.join(frag, (more[0] or low == 0, more[1], more[2]))
            for k in range(high - low):
                extra = once if used == 0 and k == 0 else self.sequence(items, flags)
                frag = self.join(frag, (True, extra[1], extra[2]))
            return frag
        raise _Unsupported(str(op))


def _bits(mask: int) -> list[int]:
    return [p for p in range(mask.bit_length()) if mask >> p & 1]


def _char(code: int) -> str:
    return f"\\U{code:08x}"


def _class_source(op: Any, av: Any, ops: dict[str, Any]) -> str | None:
    """A regex for the one character class of a leaf of the parse tree, else ``None``."""
    if op is ops["LITERAL"]:
        return _char(av)
    if op is ops["NOT_LITERAL"]:
        return f"[^{_char(av)}]"
    if op is ops["ANY"]:
        return "."
    if op is ops["CATEGORY"]:
        return _CATEGORIES[str(av)]
    if op is not ops["IN"]:
        return None
    parts = []
    for kind, value in av:
        if kind is ops["NEGATE"] and not parts:
            parts.append("^")
        elif kind is ops["LITERAL"]:
            parts.append(_char(value))
        elif kind is ops["RANGE"]:
            parts.append(f"{_char(value[0])}-{_char(value[1])}")
        elif kind is ops["CATEGORY"] and str(value) in _CATEGORIES:
            parts.append(_CATEGORIES[str(value)])
        else:
            raise _Unsupported(str(kind))
    return "[" + "".join(parts) + "]"


@lru_cache(maxsize=256)
def _ascii_class(source: str, flags: int) -> int:
    """The ASCII characters ``source`` (one class) matches with ``flags``, as a bit mask."""
    rx = re.compile(source, flags)
    return sum(1 << c for c in range(128) if rx.fullmatch(chr(c)))


def build(pattern: re.Pattern[str]) -> Automaton | None:
    """The automaton of ``pattern``, or ``None`` when it has something this does not do."""
    try:
        from re import _constants, _parser  # type: ignore[attr-defined]

        names = ["SUBPATTERN", "BRANCH", "MAX_REPEAT", "MIN_REPEAT", "MAXREPEAT", "AT"]
        names += ["LITERAL", "NOT_LITERAL", "ANY", "IN", "CATEGORY", "NEGATE", "RANGE"]
        ops = {name: getattr(_constants, name) for name in names}
        items = list(_parser.parse(pattern.pattern, pattern.flags))
        start = bool(items) and items[0] == (ops["AT"], _constants.AT_BEGINNING)
        end = len(items) > start and items[-1] == (ops["AT"], _constants.AT_END)
        items = items[int(start) : len(items) - int(end)]
        builder = _Builder(ops, [], [])
        nullable, first, last = builder.sequence(items, pattern.flags)
    except (_Unsupported, ImportError, AttributeError, TypeError, ValueError, KeyError):
        return None
    except (re.error, RecursionError):
        return None
    if nullable:  # matches every line (or, anchored, the empty ones): left to re
        return None
    masks = tuple(
        sum(1 << p for p, chars in enumerate(builder.classes) if chars >> byte & 1)
        for byte in range(256)
    )
    return Automaton(masks, tuple(builder.follow), first, last, start, end)


@lru_cache(maxsize=64)
def compiled(pattern: re.Pattern[str]) -> tuple[bytes, int] | None:
    """The C helper's program for ``pattern`` and how many byte values may begin a match
    (cached), or ``None``."""
    automaton = build(pattern)
    if automaton is None:
        return None
    starts = sum(1 for mask in automaton.masks if mask & automaton.first)
    return automaton.program(), starts


def automaton_lines(
    pattern: re.Pattern[str], buffer: str | bytes, lo: int, hi: int
) -> list[int] | None:
    """Indices (0: the line at ``lo``) of the lines of ``buffer[lo:hi]`` (bytes: ASCII) that
    ``pattern`` matches, by the C helper; ``None`` when it cannot say (no helper, text not
    ASCII, a pattern it does not do, or a plain literal, which the needle search does better).

    The automaton reads every line, skipping to the bytes a match can begin with (by
    ``memchr`` when there is one such byte). When many bytes may begin one (``\\d``,
    ``[a-z]``, a case-blind letter) and every match holds a literal, the literal is found
    first and only its lines run the automaton: 1M lines in 0.04-0.10 s either way, where
    the other way could take 0.15-0.22 s."""
    if not native.ENABLED:
        return None
    plan = plan_for(pattern)
    found = None if plan.exact else compiled(pattern)
    # A str knows whether it is ASCII; bytes are by the caller's contract (checking would
    # cost a pass over the buffer, as much as finding a literal in it).
    if found is None or (isinstance(buffer, str) and not buffer.isascii()):
        return None
    program, starts = found
    words = plan.needles or ((plan.prefix,) if len(plan.prefix) >= 2 else ())
    if words and starts > (1 if len(words) == 1 else 4):  # several needles cost more to find
        lead = tuple(w.encode() if isinstance(buffer, bytes) else w for w in words)
        return native.regex_scan(program, buffer, lo, hi, lead, plan.fold, not plan.needles)
    return native.regex_scan(program, buffer, lo, hi)
