"""Maps what HTTP log streams send (SSE events, NDJSON, text) to records and controls.

The shapes (see docs/architecture.md): typed events ( ``log``, ``heartbeat``,
``complete``, ``timeout``, ``error``), data-only snapshots ( ``{"logs", "status",
"final"}``, delta or whole-log-so-far) and generic brokers ( raw text or JSON).
Records are always built by `LineParser` or `sanitize`, so hostile content is defused.
One `PayloadMapper` lives as long as its source, across reconnections, because both
the snapshot prefix and the ids already shown must survive a reconnect.
"""

from __future__ import annotations

import hashlib
import json
from collections import deque
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.parse import LineParser, sanitize
from logtail_tui.core.record import Batch, Level, Record
from logtail_tui.core.settings import Settings
from logtail_tui.sources.redact import shorten

if TYPE_CHECKING:
    from logtail_tui.sources.sse import SSEEvent

SEEN_IDS = 10_000
"""How many record ids are remembered to drop replays (bounded memory)."""
_HEARTBEATS = frozenset({"heartbeat", "ping", "keepalive", "keep-alive"})
_DETAIL_MAX = 200


class Kind(Enum):
    """What a payload or message asks of the connection, besides its records
    (one enum for SSE, line and WebSocket payloads)."""

    CONTENT = "content"  # log lines or records (possibly none)
    HEARTBEAT = "heartbeat"  # alive, nothing to show (keep-alives, acknowledgements)
    PING = "ping"  # an application ping: answer it (WebSocket ``{"type": "ping"}``)
    STATUS = "status"  # still live; ``detail`` says how (server status, server error)
    COMPLETED = "completed"  # finished: no reconnect
    FAILED = "failed"  # finished badly (server status "failed"): no reconnect
    RECONNECT = "reconnect"  # reconnect at once, resuming (the typed protocol's ``timeout`` event)


@dataclass(frozen=True, slots=True)
class Control:
    kind: Kind
    detail: str = ""


def short(text: str) -> str:
    """A server-given phrase made safe and short enough for the status bar."""
    return shorten(text, _DETAIL_MAX)


class PayloadMapper:
    """Turns payloads into rows of a `Batch`, remembering what it already showed.

    Call `flush` before handing the batch on: text lines wait there to be parsed together.

    Args:
        settings: Parsing options (format, field map, line length).

    Attributes:
        last_time: Time of the newest record that had one, for ``--resume-param``.
    """

    def __init__(self, settings: Settings) -> None:
        self.parser = LineParser(settings.format, settings.field_map)
        self.max_line_length = settings.max_line_length
        self.last_time: str | None = None
        self._seen: set[Any] = set()
        self._seen_order: deque[Any] = deque()
        self._framer = LineDecoder(settings.max_line_length)
        # The snapshot text received so far, kept as a length and a running digest
        # rather than a copy of the whole log.
        self._logs_len = 0
        self._logs_hash = hashlib.blake2b(digest_size=16)
        self._logs_lines = LineDecoder(settings.max_line_length)
        self._status = ""
        self._lines: list[str] = []

    # -- lines (NDJSON and text bodies) ------------------------------------------------

    def add_lines(self, lines: list[str], out: Batch) -> None:
        """Text lines, parsed in bulk at the next `flush`; JSON objects with an ``id``
        among them are mapped at once so that replays can be dropped."""
        if not lines:
            return
        start = 0
        if self.parser.fmt in ("auto", "json"):
            for i, line in enumerate(lines):
                if line[:1] == "{" and '"id"' in line:
                    obj = _json_object(line)
                    if obj is not None:
                        self._lines.extend(lines[start:i])
                        start = i + 1
                        self.add_object(obj, line, out)
        self._lines.extend(lines[start:] if start else lines)

    def flush(self, out: Batch) -> None:
        """Parse the text lines waiting since the last call into ``out``.

        Parsing a chunk's lines in one call is several times quicker than one by one.
        """
        if self._lines:
            lines, self._lines = self._lines, []
            self._extend(self.parser.parse(lines), out)

    def add_json_seq_lines(self, lines: list[str], out: Batch) -> None:
        """``application/json-seq``: records start with RS (0x1E), which is not content."""
        self.add_lines([line.lstrip("\x1e") for line in lines if line.strip("\x1e")], out)

    def add_object(self, obj: dict[str, Any], raw: str, out: Batch) -> None:
        """One structured record; dropped if its ``id`` was already shown."""
        rid = obj.get("id")
        if isinstance(rid, (str, int)) and not isinstance(rid, bool):
            if rid in self._seen:
                return
            self._remember(rid)
        rec = self.record_of(obj, raw)
        self.flush(out)
        out.append(rec.text, rec.level, rec.time, rec.raw)
        if rec.time is not None:
            self.last_time = rec.time

    def record_of(self, obj: dict[str, Any], raw: str) -> Record:
        """`LineParser.parse_object`: level from ``log_type``, time from ``created_at``,
        other keys (``step_name`` ...) shown as fields."""
        return self.parser.parse_object(obj, raw)

    # -- SSE --------------------------------------------------------------------------

    def add_event(self, ev: SSEEvent, out: Batch) -> Control | None:
        """Map one SSE event; returns what it asks of the connection, if anything."""
        kind = ev.event
        if kind in _HEARTBEATS:
            return Control(Kind.HEARTBEAT)
        if kind == "complete":
            return Control(Kind.COMPLETED, short(_message(ev.data, "message")))
        if kind == "timeout":
            return Control(Kind.RECONNECT, short(_message(ev.data, "message")))
        if kind == "error":
            text = _message(ev.data, "error") or "the server reported an error"
            self.flush(out)
            for line in self._frame(text):
                out.append(sanitize(line), Level.ERROR, None, sanitize(ev.data))
            return Control(Kind.STATUS, f"server error: {short(text)}")
        return self._add_data(ev.data, out)

    def _add_data(self, data: str, out: Batch) -> Control | None:
        head = data[:1]
        if head == "{" or head == "[" or head == '"':
            try:
                value = json.loads(data)
            except ValueError:
                value = None
            if isinstance(value, dict):
                logs = value.get("logs")
                if isinstance(logs, str):
                    return self._add_snapshot(value, logs, out)
                self.add_object(value, data, out)
                return None
            if isinstance(value, str):
                data = value
        if data:
            self.add_lines(self._frame(data), out)
        return None

    def _frame(self, text: str) -> list[str]:
        """A payload's lines: one trailing newline ends the last line, it adds none."""
        if text.endswith("\n"):
            text = text[:-1]
        if "\n" not in text and "\r" not in text and len(text) <= self.max_line_length:
            return [text]
        return self._framer.decode_text(text + "\n")

    # -- data-only snapshots ---------------------------------------------------------------

    def _add_snapshot(self, obj: dict[str, Any], logs: str, out: Batch) -> Control | None:
        self._add_logs_text(self._new_logs(logs), out)
        status = str(obj.get("status") or "").lower()
        final = obj.get("final") is True
        if status == "failed":
            self._add_logs_text_end(out)
            return Control(Kind.FAILED, "the server reports the task failed")
        if final or status == "completed":
            self._add_logs_text_end(out)
            return Control(Kind.COMPLETED, f"status {short(str(status))}" if status else "final")
        if status and status != self._status:
            self._status = status
            return Control(Kind.STATUS, "" if status == "running" else f"status {short(status)}")
        return None

    def _new_logs(self, logs: str) -> str:
        """The part of ``logs`` not received yet: all of it (delta servers) or what
        follows the text already received (snapshot servers)."""
        n = self._logs_len
        if n and len(logs) >= n:
            prefix = hashlib.blake2b(_utf8(logs[:n]), digest_size=16)
            if prefix.digest() == self._logs_hash.digest():
                logs = logs[n:]
        self._logs_len += len(logs)
        self._logs_hash.update(_utf8(logs))
        return logs

    def _add_logs_text(self, text: str, out: Batch) -> None:
        if text:
            self.add_lines(self._logs_lines.decode_text(text), out)

    def _add_logs_text_end(self, out: Batch) -> None:
        self.add_lines(self._logs_lines.flush(), out)

    # -- helpers -------------------------------------------------------------------------

    def _extend(self, batch: Batch, out: Batch) -> None:
        out.extend(batch)
        if batch.times is not None:
            for t in reversed(batch.times):
                if t is not None:
                    self.last_time = t
                    break

    def _remember(self, rid: Any) -> None:
        self._seen.add(rid)
        self._seen_order.append(rid)
        if len(self._seen_order) > SEEN_IDS:
            self._seen.discard(self._seen_order.popleft())


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _message(data: str, key: str) -> str:
    """``data[key]`` when data is a JSON object holding it, else data itself."""
    obj = _json_object(data) if data[:1] == "{" else None
    if obj is None:
        return data
    value = obj.get(key, obj.get("message", ""))
    return value if isinstance(value, str) else json.dumps(value)


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")
