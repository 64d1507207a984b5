"""Where expressions compiled to a Python closure over one record's fields.

Rules (docs/architecture.md, "Fields and the where filter"):

* A missing field (or a JSON ``null``) makes its condition false, whatever the operator:
  ``svc!=api`` is false for a record without ``svc``; ``not svc=api`` is true for it.
* A number literal compares numerically with a field that reads as a number (``"503"`` or
  ``503``); ``=`` and ``!=`` fall back to comparing text when it does not. A text literal
  compares as text: ``=`` is exact (not a substring), ``<`` and friends order text,
  ``~`` is a regex search.
* ``level`` is the record's level in level order (``level>=warn``; no level counts as info);
  ``time`` is the record's time: ``time>"10:00"`` (today, in the display zone) or a full
  ISO date (``time>=2026-12-01T10:00``).

`Where` bundles the tree, the predicate and the bulk pre-filter's needles
(`logtail_tui.core.where_scan`).
"""

from __future__ import annotations

import math
import operator
import re
import time as _time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from logtail_tui.core.fields import TIME_KEYS, format_time, lookup
from logtail_tui.core.record import Level, effective
from logtail_tui.core.record_fields import MISSING, field_value, fields_of
from logtail_tui.core.times import parse_time
from logtail_tui.core.where import (
    MATCHING,
    And,
    Compare,
    Has,
    Node,
    Not,
    Or,
    ParseError,
    parse,
)

_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "=": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


class Row:
    """One record as a where predicate reads it; fields and time are parsed on first use."""

    __slots__ = ("_epoch", "_fields", "level", "line", "time_text")

    def __init__(self, line: str, level: int = 0, time_text: str | None = None) -> None:
        self.line = line
        """The record as the source sent it: the raw original, or the text line."""
        self.level = level
        self.time_text = time_text
        """A structured record's own time text; text lines carry theirs inline."""
        self._fields: Mapping[str, Any] | bool | None = False
        self._epoch: float | bool | None = False

    @property
    def fields(self) -> Mapping[str, Any] | None:
        if self._fields is False:
            self._fields = fields_of(self.line)
        return self._fields  # type: ignore[return-value]

    @property
    def epoch(self) -> float | None:
        if self._epoch is False:
            text = self.time_text or self._own_time() or self.line
            self._epoch = parse_time(text)[0] if text else None
        return self._epoch  # type: ignore[return-value]

    def _own_time(self) -> str | None:
        """A JSON or logfmt record's time field, as text (epoch numbers made ISO)."""
        fields = self.fields
        found = lookup(fields, TIME_KEYS) if fields is not None else None
        return format_time(found[1]) if found is not None else None

    def get(self, name: str) -> Any:
        """The field's value, or `MISSING`."""
        fields = self.fields
        if fields is None:
            return MISSING
        value = field_value(fields, name)
        return MISSING if value is None else value


Predicate = Callable[[Row], bool]
NUMERIC = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
"""What text reads as a number: JSON's and logfmt's decimal forms (no spaces, ``_``, inf)."""


def _as_text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value if isinstance(value, str) else str(value)


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and NUMERIC.fullmatch(value):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def _compare_field(node: Compare) -> Predicate:
    name, op, literal = node.field, node.op, node.value
    if op in MATCHING:
        search = re.compile(literal.text).search
        negate = op == "!~"

        def matches(row: Row) -> bool:
            value = row.get(name)
            if value is MISSING:
                return False
            return (search(_as_text(value)) is None) == negate

        return matches
    compare = _OPS[op]
    number = literal.number
    text = literal.text
    if number is not None:

        def numeric(row: Row) -> bool:
            value = row.get(name)
            if value is MISSING:
                return False
            got = _as_number(value)
            if got is None:
                return op in ("=", "!=") and compare(_as_text(value), text)
            return compare(got, number)

        return numeric

    def textual(row: Row) -> bool:
        value = row.get(name)
        return value is not MISSING and compare(_as_text(value), text)

    return textual


def _compare_level(node: Compare, source: str) -> Predicate:
    op, literal = node.op, node.value
    if op in MATCHING:
        search = re.compile(literal.text, re.IGNORECASE).search
        negate = op == "!~"
        return lambda row: (search(Level(effective(row.level)).label) is None) == negate
    try:
        wanted = int(Level.parse(literal.text))
    except ValueError:
        raise ParseError(
            f"{literal.text!r} is not a level: use trace, debug, info, notice, warn, error or crit",
            source,
            literal.pos,
        ) from None
    compare = _OPS[op]
    return lambda row: compare(effective(row.level), wanted)


_DAYTIME = re.compile(r"(\d\d?):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?")


def time_literal(text: str, utc: bool = False, now: float | None = None) -> float | None:
    """Epoch seconds of a ``time`` literal: ``10:00`` (today in the display zone, local or
    UTC) or an ISO date (``2026-12-01``, ``2026-12-01T10:00:05Z``); ``None`` if neither."""
    zone = UTC if utc else None
    m = _DAYTIME.fullmatch(text)
    if m is not None:
        today = datetime.fromtimestamp(_time.time() if now is None else now, zone)
        hour, minute, second = int(m[1]), int(m[2]), int(m[3] or 0)
        micro = int((m[4] or "0")[:6].ljust(6, "0"))
        try:
            moment = today.replace(hour=hour, minute=minute, second=second, microsecond=micro)
        except ValueError:
            return None
        return moment.timestamp()
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC) if utc else moment.astimezone()
    return moment.timestamp()


def _compare_time(node: Compare, source: str, utc: bool, now: float | None) -> Predicate:
    op, literal = node.op, node.value
    if op in MATCHING:
        raise ParseError("time compares with =, !=, <, <=, > or >=, not a regex", source, node.pos)
    wanted = time_literal(literal.text, utc, now)
    if wanted is None:
        raise ParseError(
            f'{literal.text!r} is not a time: write e.g. time>"10:00" or time>=2026-12-01T10:00',
            source,
            literal.pos,
        )
    compare = _OPS[op]

    def timed(row: Row) -> bool:
        epoch = row.epoch
        return epoch is not None and compare(epoch, wanted)

    return timed


def compile_node(node: Node, source: str, utc: bool = False, now: float | None = None) -> Predicate:
    """The predicate of ``node`` (``source`` is the expression, for error positions)."""
    if isinstance(node, And):
        a, b = compile_node(node.left, source, utc, now), compile_node(node.right, source, utc, now)
        return lambda row: a(row) and b(row)
    if isinstance(node, Or):
        a, b = compile_node(node.left, source, utc, now), compile_node(node.right, source, utc, now)
        return lambda row: a(row) or b(row)
    if isinstance(node, Not):
        inner = compile_node(node.operand, source, utc, now)
        return lambda row: not inner(row)
    if isinstance(node, Has):
        name = node.field
        if name in ("level", "time"):
            attr = "level" if name == "level" else "epoch"
            return lambda row: bool(getattr(row, attr))
        return lambda row: row.get(name) not in (MISSING, "")
    if node.field == "level":
        return _compare_level(node, source)
    if node.field == "time":
        return _compare_time(node, source, utc, now)
    return _compare_field(node)


@dataclass(frozen=True)
class Where:
    """A compiled where expression: `Where.build` from text, then `test` rows."""

    text: str
    node: Node = field(compare=False)
    test: Predicate = field(compare=False)

    @classmethod
    def build(cls, text: str, utc: bool = False, now: float | None = None) -> Where:
        """Parse and compile ``text``.

        Args:
            text: The expression, e.g. ``status>=500 and path~^/api``.
            utc: Read times of day and zone-less dates in UTC (``--utc``), else local.
            now: The current epoch (tests); decides what "today" is.

        Raises:
            ParseError: with the position of the problem.
        """
        node = parse(text)
        return cls(text.strip(), node, compile_node(node, text, utc, now))

    def matches(self, line: str, level: int = 0, time_text: str | None = None) -> bool:
        """Whether one record passes (``line``: its raw original, or its text)."""
        return self.test(Row(line, level, time_text))
