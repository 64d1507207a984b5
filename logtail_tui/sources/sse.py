"""An incremental Server-Sent Events parser following the WHATWG HTML spec.

Bytes go in as they arrive; complete events come out. The parser keeps the state an
``EventSource`` keeps across reconnections (the last event id and the reconnection
time) so the adapter can send ``Last-Event-ID`` and honour ``retry:``; everything
else is reset per connection with `SSEParser.reset`.

Spec points that matter to log streams: lines end in CRLF, LF or a lone CR (possibly
split across chunks); ``data:`` lines of one event are joined with ``\\n``; an event is
dispatched only at a blank line, so an event cut off by a dropped connection is not
shown and is replayed after ``Last-Event-ID``; an ``id`` holding NUL is ignored; a
``retry`` that is not all digits is ignored; comment lines (``:``) are keep-alives.
"""

from __future__ import annotations

import codecs
import re
from typing import NamedTuple

from logtail_tui.core.errors import ProtocolFailure

_EOL = re.compile(r"\r\n|\r|\n")
MAX_LINE_BYTES = 64 * 1024 * 1024
"""A line longer than this without a line break is not an event stream we can follow."""


class SSEEvent(NamedTuple):
    """One dispatched event.

    Attributes:
        event: The ``event:`` type, ``"message"`` when none was given.
        data: The ``data:`` lines joined with ``\\n`` (a trailing ``\\n`` means the
            server sent an empty last ``data:`` line).
        id: The source's last event id when this event was dispatched.
    """

    event: str
    data: str
    id: str


class SSEParser:
    """Feed it bytes with `feed`; it returns the events completed by them.

    Attributes:
        last_event_id: Sent as ``Last-Event-ID`` on reconnect when not empty.
        retry: The server's reconnection time in milliseconds, if it sent one.
        comments: Comment lines seen so far (keep-alives), so callers can tell the
            peer is alive even when no event arrives.
    """

    def __init__(self) -> None:
        self.last_event_id = ""
        self.retry: int | None = None
        self.comments = 0
        self.reset()

    def reset(self) -> None:
        """Start a new connection: drop partial input, keep ``last_event_id`` and ``retry``."""
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self._skip_lf = False
        self._at_start = True
        self._data: list[str] = []
        self._event = ""
        self._id_buffer = self.last_event_id

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Events completed by ``chunk``.

        Raises:
            ProtocolFailure: when a single line grows beyond `MAX_LINE_BYTES`.
        """
        return self.feed_text(self._utf8.decode(chunk))

    def feed_text(self, text: str) -> list[SSEEvent]:
        """Like `feed` for already-decoded text."""
        if not text:
            return []
        if self._at_start:
            self._at_start = False
            if text[0] == "\ufeff":
                text = text[1:]
        if self._skip_lf:
            # The previous chunk ended in CR: a LF starting this one is the same line end.
            self._skip_lf = False
            if text[:1] == "\n":
                text = text[1:]
        text = self._pending + text
        if "\r" in text:
            self._skip_lf = text.endswith("\r")
            lines = _EOL.split(text)
        else:
            lines = text.split("\n")
        self._pending = lines.pop()
        if len(self._pending) > MAX_LINE_BYTES:
            raise ProtocolFailure(
                "The event stream sent a line longer than 64 MiB; this is not a log stream "
                "logtail can follow."
            )
        out: list[SSEEvent] = []
        data = self._data
        for line in lines:
            if not line:
                self._dispatch(out)
                data = self._data
            elif line[:5] == "data:":  # the common case, without a call
                data.append(line[6:] if line[5:6] == " " else line[5:])
            elif line[0] == ":":
                self.comments += 1
            else:
                self._field(line)
        return out

    def _field(self, line: str) -> None:
        name, sep, value = line.partition(":")
        if sep and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._id_buffer = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self.retry = int(value)
        # Any other field name is ignored, as the spec says.

    def _dispatch(self, out: list[SSEEvent]) -> None:
        self.last_event_id = self._id_buffer
        if self._data:
            out.append(
                SSEEvent(self._event or "message", "\n".join(self._data), self.last_event_id)
            )
            self._data = []
        self._event = ""
