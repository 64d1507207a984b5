"""Structured records: which key holds the message, level and time, logfmt, display text.

Keys follow docs/architecture.md, "Wire formats" (record fields): the first key present wins, and ``--field
meaning=key`` puts the user's key in front. A key is looked up exactly, then without
regard to case (journald writes ``MESSAGE``, ``PRIORITY``), then as a dotted path into
nested objects (``--field message=data.text``).

The display text of a structured record is its message followed by the remaining fields
as `` key=value`` (nested values as compact JSON, long values shortened; the record's
``raw`` keeps everything).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from logtail_tui.core.errors import UsageError
from logtail_tui.core.levels import STAMP, level_of
from logtail_tui.core.record import Level

MESSAGE_KEYS = ("message", "msg", "log", "text", "logs", "event")
LEVEL_KEYS = (
    "level",
    "log_type",
    "severity",
    "lvl",
    "levelname",
    "loglevel",
    "priority",
    "log.level",
)
TIME_KEYS = (
    "timestamp",
    "time",
    "ts",
    "created_at",
    "@timestamp",
    "datetime",
    "__REALTIME_TIMESTAMP",
)

_MEANINGS = {"message": "message", "msg": "message", "level": "level", "time": "time",
             "timestamp": "time", "ts": "time"}  # fmt: skip

MAX_VALUE_CHARS = 200
"""A field value longer than this is shortened in the display text (``raw`` keeps it)."""
MAX_EXTRA_CHARS = 400
"""Fields after the message stop (with ``…``) once they take this much room."""


@dataclass(frozen=True, slots=True)
class FieldMap:
    """The keys searched, in order, for each meaning."""

    message: tuple[str, ...] = MESSAGE_KEYS
    level: tuple[str, ...] = LEVEL_KEYS
    time: tuple[str, ...] = TIME_KEYS

    @classmethod
    def build(cls, overrides: Mapping[str, str]) -> FieldMap:
        """Defaults with the user's keys first, e.g. ``{"message": "msg"}``.

        Raises:
            UsageError: for a meaning other than message, level or time, or an empty key.
        """
        keys = {"message": MESSAGE_KEYS, "level": LEVEL_KEYS, "time": TIME_KEYS}
        for meaning, key in overrides.items():
            name = _MEANINGS.get(meaning.strip().lower())
            if name is None or not key.strip():
                raise UsageError(
                    f"--field {meaning}={key} is not understood: use message=KEY, level=KEY or time=KEY."
                )
            wanted = tuple(k.strip() for k in key.split(",") if k.strip())
            keys[name] = wanted + tuple(k for k in keys[name] if k not in wanted)
        return cls(keys["message"], keys["level"], keys["time"])


def lookup(obj: Mapping[str, Any], keys: tuple[str, ...]) -> tuple[str, Any] | None:
    """``(key, value)`` of the first of ``keys`` present in ``obj`` with a non-null value."""
    for key in keys:
        value = obj.get(key)
        if value is not None:
            return key, value
    folded: dict[str, str] | None = None
    for key in keys:
        if folded is None:
            folded = {k.lower(): k for k in obj if isinstance(k, str)}
        real = folded.get(key.lower())
        if real is not None and obj[real] is not None:
            return real, obj[real]
        if "." in key and key not in obj:
            value = _dotted(obj, key)
            if value is not None:
                return key, value
    return None


def _dotted(obj: Mapping[str, Any], path: str) -> Any:
    node: Any = obj
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return None
        node = node[part]
    return node


def format_time(value: Any) -> str:
    """A record time as text: epoch numbers (s, ms, us, ns by magnitude; journald's
    ``__REALTIME_TIMESTAMP`` is microseconds) become ISO 8601 UTC, text stays as it is."""
    if isinstance(value, str) and value.isdigit() and len(value) >= 9:
        number: float = int(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        number = value
    else:
        return value if isinstance(value, str) else compact(value)
    if not math.isfinite(number) or number <= 0:
        return compact(value)
    # Whole microseconds, in integer arithmetic when the input is an integer, so a
    # nanosecond stamp is truncated rather than rounded by float precision.
    if number < 1e11:
        micros, fine = number * 1_000_000, False
    elif number < 1e14:
        micros, fine = number * 1_000, False
    elif number < 1e17:
        micros, fine = number, True
    else:
        micros, fine = number // 1_000, True
    seconds, fraction = divmod(int(micros), 1_000_000)
    try:
        whole = _whole_second(seconds)
    except (OverflowError, ValueError):
        return compact(value)
    return f"{whole}.{fraction:06d}Z" if fine else f"{whole}.{fraction // 1000:03d}Z"


@lru_cache(maxsize=4096)
def _whole_second(seconds: int) -> str:
    # Records arrive many to a second: formatting each second once saves most of the cost.
    return (_EPOCH + timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%S")


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def compact(value: Any) -> str:
    """Compact JSON for a nested value (strings are returned as they are)."""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


_BARE = re.compile(r"[^\s\"=]+")


def _field_value(value: Any) -> str | None:
    """A field's value as shown after ``key=``; ``None`` for empty ones, which are skipped."""
    kind = type(value)
    if kind is str:
        if not value:
            return None
        text = value if _BARE.fullmatch(value) else json.dumps(value, ensure_ascii=False)
    elif kind is int or kind is float:
        text = repr(value)
    elif kind is bool:
        text = "true" if value else "false"
    elif value is None or ((kind is dict or kind is list) and not value):
        return None
    else:
        text = compact(value)
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 1] + "…"
    return text


@dataclass(frozen=True, slots=True)
class Structured:
    """What a structured object means, before sanitising."""

    text: str
    level: int
    time: str | None


def interpret(obj: Mapping[str, Any], fields: FieldMap) -> Structured:
    """Map an object's keys to message, level, time and the display text."""
    used: set[str] = set()
    message = ""
    found = lookup(obj, fields.message)
    if found is not None:
        used.add(found[0])
        message = compact(found[1]).rstrip("\r\n")
    level: int = Level.NONE
    found = lookup(obj, fields.level)
    if found is not None:
        level = level_of(found[1], found[0])
        if level:  # an unknown level stays visible as a field
            used.add(found[0])
    time = None
    found = lookup(obj, fields.time)
    if found is not None:
        used.add(found[0])
        time = format_time(found[1])
    # journald objects carry dozens of "_TRUSTED" and "__CURSOR" fields: noise on screen.
    journald = "__REALTIME_TIMESTAMP" in obj or "__CURSOR" in obj
    parts = [message] if message else []
    budget = MAX_EXTRA_CHARS
    for key, value in obj.items():
        if key in used or (journald and key.startswith("_")):
            continue
        shown = _field_value(value)
        if shown is None:
            continue
        part = f"{key}={shown}"
        budget -= len(part) + 1
        if budget < 0 and parts:
            parts.append("…")
            break
        parts.append(part)
    return Structured(" ".join(parts), int(level), time)


_LOGFMT_LINE = re.compile(r'\s*+(?:[^\s="]++=(?:"(?:[^"\\]++|\\.)*+"|[^\s"]*+)(?:\s++|$))++')
_LOGFMT_PAIR = re.compile(r'([^\s="]++)=("(?:[^"\\]++|\\.)*+"|[^\s"]*+)')


def parse_logfmt(line: str) -> dict[str, str] | None:
    """``key=value key2="quoted \\"value\\""`` as a dict, or ``None`` when the line is not
    entirely made of such pairs (a bare word makes it text, which reads better)."""
    if not _LOGFMT_LINE.fullmatch(line):
        return None
    pairs: dict[str, str] = {}
    for key, value in _LOGFMT_PAIR.findall(line):
        if value.startswith('"'):
            try:
                value = json.loads(value)
            except ValueError:
                value = value[1:-1].replace('\\"', '"')
        pairs[key] = value
    return pairs


_STAMPED = re.compile(rf"({STAMP}) (.*)", re.DOTALL)


def split_stamp(line: str) -> tuple[str | None, str]:
    """``("2026-11-21T10:00:00.123Z", rest)`` for a line a container runtime prefixed with
    its time (``docker logs --timestamps``), else ``(None, line)``."""
    m = _STAMPED.match(line)
    return (m[1], m[2]) if m else (None, line)
