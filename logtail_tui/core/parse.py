"""Turns framed lines (or decoded JSON objects) into batches: sanitised, levelled, mapped.

Usage::

    parser = LineParser(settings.format, settings.field_map)
    batch = parser.parse(decoder.decode(chunk))        # lines from a LineDecoder
    record = parser.parse_object(obj, raw=payload)     # a JSON object from a frame/event

Every adapter that receives lines calls `LineParser.parse`; adapters that receive
structured payloads call `LineParser.parse_object`. One parser per source: it remembers
the last level so a stack trace split across batches keeps the colour of its error.

``parse`` works on the whole batch: one C-level pass screens the batch for anything to
sanitise, one anchored regex per line finds the level (and, in ``auto`` mode, flags lines
that may be JSON or logfmt), and only flagged or level-less lines get more attention.
Plain lines stay the very ``str`` objects that came in; no per-line object is made.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from logtail_tui.core.errors import UsageError
from logtail_tui.core.fields import FieldMap, compact, interpret, parse_logfmt, split_stamp
from logtail_tui.core.levels import (
    STRUCTURED,
    LevelDetector,
    level_of,
    text_level,
)
from logtail_tui.core.record import Batch, Record
from logtail_tui.core.records import Grouper
from logtail_tui.core.sanitize import sanitize, sanitize_lines

__all__ = ["FORMATS", "LineParser", "level_of", "sanitize"]

FORMATS = ("auto", "text", "json", "logfmt")
"""Values of ``--format``: ``auto`` decides per line."""


class LineParser:
    """Lines in, batches out.

    Args:
        fmt: ``auto`` (per line: ``{`` tries JSON, ``key=value ...`` with a message or
            level key is logfmt, anything else text), ``text``, ``json`` or ``logfmt``.
            Lines that do not parse as the chosen format are shown as text. A JSON or
            logfmt line may carry a ``docker logs --timestamps`` time prefix.
        field_map: Meaning (``message``, ``level``, ``time``) -> key, tried before the
            usual keys, e.g. ``{"message": "msg"}``.

    Raises:
        UsageError: for an unknown format or field meaning.
    """

    def __init__(
        self, fmt: str = "auto", field_map: Mapping[str, str] = MappingProxyType({})
    ) -> None:
        if fmt not in FORMATS:
            raise UsageError(f"--format {fmt} is not known: use one of {', '.join(FORMATS)}.")
        self.fmt = fmt
        self.field_map = field_map
        self.fields = FieldMap.build(field_map)
        self.grouper = Grouper()
        """Record boundaries across batches (a stack trace split between two stays one)."""
        self._structured = "" if fmt == "text" else fmt
        self._levels = LevelDetector(self._structured)

    def parse(self, lines: list[str]) -> Batch:
        """Sanitise, level and map a batch of lines (each without its newline)."""
        if not lines:
            return Batch()
        texts = sanitize_lines(lines)
        levels = self._levels(texts)
        times: list[str | None] | None = None
        raws: list[str | None] | None = None
        if self._structured and STRUCTURED in levels:
            times, raws = self._structure(lines, texts, levels)
        starts = self.grouper.group(texts, levels)
        return Batch(texts, levels, times, raws, starts)

    @property
    def last_level(self) -> int:
        """Level of the last line parsed; continuation lines of the next batch inherit it."""
        return self.grouper.level

    @last_level.setter
    def last_level(self, level: int) -> None:
        self.grouper = Grouper(level)

    def _structure(
        self, lines: list[str], texts: list[str], levels: list[int]
    ) -> tuple[list[str | None] | None, list[str | None] | None]:
        """Parse the lines flagged `STRUCTURED`, in place; returns the time and raw columns."""
        n = len(lines)
        times: list[str | None] = [None] * n
        raws: list[str | None] = [None] * n
        any_time = any_raw = False
        i = -1
        while True:
            try:
                i = levels.index(STRUCTURED, i + 1)
            except ValueError:
                break
            stamp, payload = split_stamp(lines[i])
            obj = self._object(payload)
            if obj is None:
                levels[i] = text_level(texts[i])
                continue
            raw = texts[i] if stamp is None else sanitize(payload)
            record = self._record(obj, raw, stamp)
            texts[i], levels[i], times[i], raws[i] = (
                record.text,
                record.level,
                record.time,
                record.raw,
            )
            any_time = any_time or record.time is not None
            any_raw = True
        return (times if any_time else None), (raws if any_raw else None)

    def _object(self, line: str) -> Mapping[str, Any] | None:
        """The JSON object or logfmt pairs of a flagged line, ``None`` if it is text."""
        stripped = line.lstrip()
        if stripped.startswith("{"):
            try:
                obj = json.loads(stripped)
            except (ValueError, RecursionError):  # broken or absurdly nested: text
                return None
            return obj if isinstance(obj, dict) else None
        pairs = parse_logfmt(line)
        if pairs is None:
            return None
        if self.fmt == "auto" and not (
            _has_any(pairs, self.fields.message) or _has_any(pairs, self.fields.level)
        ):
            return None  # "user=bob logged" style text happens; require a message or level
        return pairs

    def fields_of(self, line: str) -> Mapping[str, Any] | None:
        """The JSON object or logfmt pairs ``line`` holds under this parser's format.

        For payloads that arrive one at a time inside an envelope (a log engine's entry)
        and must be merged with the envelope's own fields before `parse_object`.

        Returns:
            The decoded fields, or ``None`` when the line is text.
        """
        if not self._structured:
            return None
        is_json = line.lstrip().startswith("{")
        if (self.fmt == "json" and not is_json) or (self.fmt == "logfmt" and is_json):
            return None
        return self._object(line)

    def parse_object(self, obj: Mapping[str, Any], raw: str | None = None) -> Record:
        """One structured record (a JSON object from an NDJSON line, SSE event, WS frame).

        Args:
            obj: The decoded object.
            raw: The original text it came from; defaults to compact JSON of ``obj``,
                which also replaces a multi-line ``raw``.
        """
        if raw is None or (("\n" in raw or "\r" in raw) and isinstance(obj, Mapping)):
            # A pretty-printed payload would keep its newlines only as visible "^J",
            # which no longer parses as JSON in the detail view: store it compact.
            raw = compact(obj) if isinstance(obj, Mapping) else str(obj)
        record = self._record(obj, sanitize(raw))
        self.last_level = int(record.level)  # a structured record is one record on its own
        return record

    def _record(self, obj: Mapping[str, Any], raw: str, stamp: str | None = None) -> Record:
        """``stamp``: a container runtime's time prefix, used when the object has no time."""
        if not isinstance(obj, Mapping):
            return Record(raw, 0, stamp, raw)
        meaning = interpret(obj, self.fields)
        text = sanitize(meaning.text) if meaning.text else raw
        time = sanitize(meaning.time) if meaning.time is not None else stamp
        return Record(text, meaning.level, time, raw)


def _has_any(pairs: Mapping[str, str], keys: tuple[str, ...]) -> bool:
    return any(k in pairs for k in keys)
