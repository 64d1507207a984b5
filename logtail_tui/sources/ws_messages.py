"""What a WebSocket message means for logtail (docs/architecture.md); pure, no I/O.

- JSON ``{"type": "log", "data": {...}}`` -> one record from ``data`` (level, message, time,
  other fields); ``data`` may also be a list of such objects or a string of lines.
- Other JSON objects with a message-like key (``message``, ``msg``, ``log`` ...) -> one
  record; ``{"type": "error", ...}`` without a level counts as an error.
- Control messages (``type`` ping, pong, subscribed, heartbeat ...) are not lines; the
  caller answers an application ``{"type": "ping"}`` with `PONG`.
- Any other JSON object is shown as it came rather than hidden.
- Other text is one or more lines; binary messages are decoded as UTF-8 with replacement
  and then treated like text (some servers send JSON in binary frames).
"""

from __future__ import annotations

import json
from typing import Any

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, Level
from logtail_tui.sources.payloads import Kind

CONTROL_TYPES = frozenset(
    {"ping", "pong", "subscribed", "unsubscribed", "heartbeat", "keepalive", "keep_alive",
     "keep-alive", "ack", "connected", "connection_ack", "welcome", "hello"}
)  # fmt: skip
"""Values of ``type`` that mark a control message (never a log line)."""
LOG_TYPES = frozenset({"log", "logs", "line", "lines", "message", "output", "error"})
"""Values of ``type`` that mark an envelope around log content."""
MESSAGE_KEYS = ("message", "msg", "log", "text", "logs", "event")
PONG = '{"type": "pong"}'
"""The answer to an application-level ``{"type": "ping"}``."""


def _looks_like_log(obj: dict[str, Any]) -> bool:
    return any(isinstance(obj.get(key), str) for key in MESSAGE_KEYS)


class MessageInterpreter:
    """Gathers the records of successive messages into a batch until `take` is called.

    Plain text lines wait in a list and are parsed together (the parser works per batch,
    and one call per message would cost more than the rest of the path); a structured
    record first flushes them, so order is kept.

    Args:
        parser: The source's parser (sanitises, levels and maps fields).
        max_line_length: Longer lines are split into continuation pieces.
    """

    def __init__(self, parser: LineParser, max_line_length: int) -> None:
        self.parser = parser
        self._max = max_line_length
        self._decoder = LineDecoder(max_line_length)
        self._batch = Batch()
        self._lines: list[str] = []
        self.last_time: str | None = None
        """Timestamp of the newest structured record, for ``--resume-param``."""

    def __len__(self) -> int:
        """Records gathered and not yet taken."""
        return len(self._batch) + len(self._lines)

    def take(self) -> Batch:
        """Everything gathered since the last call, as one batch."""
        self._flush()
        batch, self._batch = self._batch, Batch()
        return batch

    def feed(self, message: str | bytes) -> Kind:
        """Interpret one whole message."""
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        if message.startswith("{"):
            try:
                obj = json.loads(message)
            except (ValueError, RecursionError):
                obj = None
            if isinstance(obj, dict):
                return self._object(obj, message)
        self._text(message)
        return Kind.CONTENT

    def _object(self, obj: dict[str, Any], raw: str) -> Kind:
        kind = obj.get("type")
        kind = kind.lower() if isinstance(kind, str) else None
        if kind in CONTROL_TYPES:
            return Kind.PING if kind == "ping" else Kind.HEARTBEAT
        data = obj.get("data")
        if isinstance(data, dict) and (kind in LOG_TYPES or _looks_like_log(data)):
            self._record(data, raw, kind)
        elif isinstance(data, list) and kind in LOG_TYPES:
            for item in data:
                if isinstance(item, dict):
                    self._record(item, None, kind)
                else:
                    self._text(str(item))
        elif isinstance(data, str) and kind in LOG_TYPES:
            self._text(data)
        elif _looks_like_log(obj):
            if kind in LOG_TYPES:  # the envelope's type is not a field of the record
                obj = {k: v for k, v in obj.items() if k != "type"}
            self._record(obj, raw, kind)
        else:
            self._lines.append(raw)  # unknown JSON is shown as it came, not hidden
        return Kind.CONTENT

    def _record(self, obj: dict[str, Any], raw: str | None, kind: str | None) -> None:
        if self.parser.fmt not in ("auto", "json"):
            self._text(raw if raw is not None else json.dumps(obj))
            return
        self._flush()
        record = self.parser.parse_object(obj, raw)
        if kind == "error" and not record.level:
            record.level = Level.ERROR
        if record.time is not None:
            self.last_time = record.time
        self._batch.add(record)

    def _text(self, text: str) -> None:
        # One line, perhaps with its newline, is the common case: skip the decoder.
        line = text[:-1] if text.endswith("\n") else text
        if "\n" not in line and len(line) <= self._max:
            if text:
                self._lines.append(line[:-1] if line.endswith("\r") else line)
            return
        self._lines += self._decoder.decode_text(text)
        self._lines += self._decoder.flush()

    def _flush(self) -> None:
        if self._lines:
            self._batch.extend(self.parser.parse(self._lines))
            self._lines = []
