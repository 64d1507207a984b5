"""What Grafana Loki's tail WebSocket sends, as records; pure, no I/O.

A tail message is ``{"streams": [{"stream": {labels}, "values": [[ns, line], ...]}],
"dropped_entries": [{"labels": {...}, "timestamp": ns}, ...]}``. Each entry becomes one
record (several when its line holds newlines or is over-long):

- the entry's nanosecond timestamp is the record time;
- a JSON or logfmt line is merged with the stream labels (the line's keys win) and read
  like any structured line; a text line keeps its text, and the labels and the line
  become the record's fields (its ``raw`` JSON);
- once a second stream has been seen, each record's text starts with its stream's labels
  in brackets, like a source tag;
- ``dropped_entries`` (entries Loki could not send because we were too slow) are counted
  and reported, never silent.

Resuming: Loki resends every entry at ``start`` (inclusive) after a reconnect, so the
interpreter remembers the entries at the newest timestamp it has shown and skips them
when they come again; Loki itself stores an entry with the same stream, timestamp and
line once, so that triple identifies it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.fields import compact, format_time, lookup
from logtail_tui.core.levels import level_of, text_level
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, Level
from logtail_tui.core.sanitize import sanitize

TAG_MAX = 60
"""Characters of a stream tag shown in front of each record."""


class TailInterpreter:
    """Turns tail messages into batches and keeps the resume point.

    Args:
        parser: The source's parser (sanitises, levels and maps fields).
        max_line_length: Longer lines are split into continuation pieces.
    """

    def __init__(self, parser: LineParser, max_line_length: int) -> None:
        self.parser = parser
        self._max = max_line_length
        self.last_ns = 0
        """Timestamp of the newest entry shown: the ``start`` of the next connection."""
        self._at_last: set[tuple[str, str]] = set()
        self.dropped = 0
        """Entries Loki reported as dropped, in total."""
        self.duplicates = 0
        """Entries Loki sent again after a reconnect and we skipped."""
        self._tags: dict[str, str] = {}
        self._fields: dict[str, dict[str, Any]] = {}
        self._levels: dict[str, int] = {}
        self._prefixes: dict[str, str | None] = {}

    @property
    def several(self) -> bool:
        """More than one stream has been seen: records carry their stream's tag."""
        return len(self._tags) > 1

    def feed(self, message: str | bytes) -> tuple[Batch, int]:
        """One tail message; returns its records and how many entries Loki dropped in it.

        Raises:
            ValueError: when the message is not a tail message (not JSON, no ``streams``).
        """
        obj = json.loads(message)
        if not isinstance(obj, dict) or not isinstance(obj.get("streams", []), list):
            raise ValueError("not a Loki tail message")
        batch = Batch()
        streams = [s for s in obj.get("streams") or () if isinstance(s, dict)]
        # Learn every stream of the message first, so its first records are tagged too.
        keys = [self._learn(s.get("stream")) for s in streams]
        for key, stream in zip(keys, streams, strict=True):
            self._stream(key, stream, batch)
        dropped = obj.get("dropped_entries")
        newly = len(dropped) if isinstance(dropped, list) else 0
        self.dropped += newly
        return batch, newly

    def _learn(self, labels: object) -> str:
        """The key of the stream with ``labels``, remembering its tag, fields and level."""
        labels = labels if isinstance(labels, dict) else {}
        key = compact(sorted(labels.items()))
        if key not in self._tags:
            self._tags[key] = _tag(labels)
            self._fields[key] = {str(k): v for k, v in labels.items()}
            found = lookup(labels, self.parser.fields.level)
            self._levels[key] = level_of(found[1], found[0]) if found else Level.NONE
            # ``{"app":"api",`` : the raw JSON of text entries is this plus the message.
            head = compact(self._fields[key])
            self._prefixes[key] = (
                None if "message" in labels else head[:-1] + ("," if labels else "")
            )
        return key

    def _stream(self, key: str, stream: dict[str, Any], batch: Batch) -> None:
        fields, label_level = self._fields[key], self._levels[key]
        # A tag is only worth its width once a second stream shows up.
        tag = self._tags[key] if self.several else ""
        simple: list[tuple[str, str | None]] = []
        for value in stream.get("values") or ():
            if not (isinstance(value, list) and len(value) >= 2 and isinstance(value[1], str)):
                continue
            ns = _nanoseconds(value[0])
            line = value[1]
            if ns is not None and not self._is_new(ns, key, line):
                continue
            time = format_time(ns) if ns else None
            meta = value[2] if len(value) > 2 and isinstance(value[2], dict) else None
            if meta is None and len(line) <= self._max and "\n" not in line and "\r" not in line:
                simple.append((line, time))  # the common case: parsed together, below
                continue
            self._simple(key, simple, label_level, tag, batch)
            simple = []
            merged = {**fields, **meta} if meta else fields
            self._entry(time, line, merged, label_level, tag, batch)
        self._simple(key, simple, label_level, tag, batch)

    def _simple(
        self, key: str, entries: list[tuple[str, str | None]], level: int, tag: str, batch: Batch
    ) -> None:
        """One-line entries of one stream, through the parser as one batch (it is per-batch fast)."""
        if not entries:
            return
        fields, prefix = self._fields[key], self._prefixes[key]
        lines = [line for line, _ in entries]
        parsed = self.parser.parse(lines)
        raws = parsed.raws
        for i, (line, time) in enumerate(entries):
            body = line.strip()
            if raws is not None and raws[i] is not None and prefix and body.startswith("{"):
                # A JSON line: splice the labels in front (a key in both: the line's wins,
                # as JSON readers keep the last), sparing a second decode.
                inner = body[1:].lstrip()
                raw = sanitize(prefix + inner if inner[:1] != "}" else compact(fields))
            elif raws is not None and raws[i] is not None and (obj := self.parser.fields_of(line)):
                raw = sanitize(compact({**fields, **obj}))
            elif prefix is not None:
                raw = sanitize(f'{prefix}"message":{json.dumps(line, ensure_ascii=False)}}}')
            else:
                raw = sanitize(compact({**fields, "message": line}))
            text = parsed.texts[i]
            batch.append(f"{tag} {text}" if tag else text, parsed.levels[i] or level, time, raw)

    def _is_new(self, ns: int, key: str, line: str) -> bool:
        if ns > self.last_ns:
            self.last_ns = ns
            self._at_last = {(key, line)}
            return True
        if ns == self.last_ns:
            if (key, line) in self._at_last:
                self.duplicates += 1
                return False
            self._at_last.add((key, line))
        return True

    def _entry(
        self,
        time: str | None,
        line: str,
        fields: Mapping[str, Any],
        level: int,
        tag: str,
        batch: Batch,
    ) -> None:
        """``level``: the stream's ``level`` label, for text lines that name none."""
        parsed = self.parser.fields_of(line) if "\n" not in line.rstrip("\r\n") else None
        if parsed is not None:
            # The labels are fields of the record but not words of its text: the tag
            # shows them when they tell streams apart.
            record = self.parser.parse_object(parsed)
            record.raw = sanitize(compact({**fields, **parsed}))
            record.level = record.level or level
            record.time = time
            if tag:
                record.text = f"{tag} {record.text}"
            batch.add(record)
            return
        raw = sanitize(compact({**fields, "message": line}))
        decoder = LineDecoder(self._max)
        pieces = decoder.decode_text(line) + decoder.flush()
        for text in map(sanitize, pieces or [""]):
            level = text_level(text) or level
            batch.append(f"{tag} {text}" if tag else text, level, time, raw)
        self.parser.last_level = level


def _nanoseconds(value: object) -> int | None:
    if isinstance(value, str) and value.isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _tag(labels: Mapping[str, Any]) -> str:
    """``[app=api,host=a]``: a stream's labels, short and terminal-safe."""
    text = sanitize(",".join(f"{k}={v}" for k, v in sorted(labels.items(), key=str)))
    if len(text) > TAG_MAX:
        text = text[: TAG_MAX - 1] + "…"
    return f"[{text or 'no labels'}]"
