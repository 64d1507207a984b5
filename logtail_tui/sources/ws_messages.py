"""What a WebSocket message means for logtail (protocols.md §3); pure, no I/O.

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
from enum import Enum
from typing import Any

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.parse import LineParser, sanitize
from logtail_tui.core.record import Batch, Level

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


class Kind(Enum):
    """What a message was, as far as the connection is concerned."""

    CONTENT = "content"
    """Log lines or records (possibly none, e.g. an empty frame)."""
    CONTROL = "control"
    """A keep-alive or acknowledgement: the peer is alive."""
    PING = "ping"
    """An application ping: answer with `PONG`."""


def _looks_like_log(obj: dict[str, Any]) -> bool:
    return any(isinstance(obj.get(key), str) for key in MESSAGE_KEYS)


class MessageInterpreter:
    """Adds the records each message holds to a batch.

    Args:
        parser: The source's parser (sanitises, levels and maps fields).
        max_line_length: Longer lines are split into continuation pieces.
    """

    def __init__(self, parser: LineParser, max_line_length: int) -> None:
        self.parser = parser
        self._decoder = LineDecoder(max_line_length)
        self.last_time: str | None = None
        """Timestamp of the newest structured record, for ``--resume-param``."""

    def feed(self, message: str | bytes, batch: Batch) -> Kind:
        """Interpret one whole message, appending its records to ``batch``."""
        if isinstance(message, bytes):
            message = message.decode("utf-8", "replace")
        if message.startswith("{"):
            try:
                obj = json.loads(message)
            except (ValueError, RecursionError):
                obj = None
            if isinstance(obj, dict):
                return self._object(obj, message, batch)
        self._lines(message, batch)
        return Kind.CONTENT

    def _object(self, obj: dict[str, Any], raw: str, batch: Batch) -> Kind:
        kind = obj.get("type")
        kind = kind.lower() if isinstance(kind, str) else None
        if kind in CONTROL_TYPES:
            return Kind.PING if kind == "ping" else Kind.CONTROL
        data = obj.get("data")
        if isinstance(data, dict) and (kind in LOG_TYPES or _looks_like_log(data)):
            self._record(data, raw, batch, kind)
        elif isinstance(data, list) and kind in LOG_TYPES:
            for item in data:
                if isinstance(item, dict):
                    self._record(item, None, batch, kind)
                else:
                    self._lines(str(item), batch)
        elif isinstance(data, str) and kind in LOG_TYPES:
            self._lines(data, batch)
        elif _looks_like_log(obj):
            if kind in LOG_TYPES:  # the envelope's type is not a field of the record
                obj = {k: v for k, v in obj.items() if k != "type"}
            self._record(obj, raw, batch, kind)
        else:
            batch.append(sanitize(raw))
        return Kind.CONTENT

    def _record(self, obj: dict[str, Any], raw: str | None, batch: Batch, kind: str | None) -> None:
        if self.parser.fmt not in ("auto", "json"):
            self._lines(raw if raw is not None else json.dumps(obj), batch)
            return
        record = self.parser.parse_object(obj, raw)
        if kind == "error" and not record.level:
            record.level = Level.ERROR
        if record.time is not None:
            self.last_time = record.time
        batch.add(record)

    def _lines(self, text: str, batch: Batch) -> None:
        lines = self._decoder.decode_text(text)
        lines += self._decoder.flush()
        if lines:
            batch.extend(self.parser.parse(lines))
