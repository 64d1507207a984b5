"""Server-Sent Events decoding: httpx-sse's decoders plus a thin layer for the WHATWG rules.

`httpx_sse.SSELineDecoder` splits lines (CRLF, LF or a lone CR, also across chunks) and
`httpx_sse.SSEDecoder` interprets fields. Where httpx-sse 0.4 deviates from the HTML
spec, this layer corrects it (each case has a test in tests/unit/test_sse_layer.py):

- a CR ending a chunk ends the line at once (httpx-sse holds it until the next chunk
  shows whether a LF follows, so a CR-only server's last event would wait for more
  traffic); a LF starting the next chunk is then skipped;
- a byte-order mark at the start of the stream is dropped (httpx-sse keeps it, which
  would turn the first field name into ``\\ufeffdata``);
- an event is dispatched only when it has a ``data`` line (httpx-sse also dispatches
  blocks holding only ``id``, ``event`` or ``retry``, and every blank line once an id
  was seen);
- ``retry`` is honoured only when all ASCII digits (httpx-sse takes ``int()``, which
  accepts ``+5``, `` 7`` and non-ASCII digits) and is kept across events;
- the id buffer of a new connection starts from the last event id, as browsers do,
  so an event without ``id:`` after a reconnect keeps the id to resume from;
- the trailing part of a stream without a blank line is never dispatched (the spec's
  rule at end of file; we simply never flush the line decoder).

An ``id`` holding NUL is ignored and a non-ASCII ``id`` kept by httpx-sse as the spec
says; the HTTP adapter sends it back UTF-8 encoded in ``Last-Event-ID``. Bytes are
decoded as UTF-8 with replacement, whatever the Content-Type says.
"""

from __future__ import annotations

import codecs
from typing import NamedTuple

from httpx_sse import ServerSentEvent
from httpx_sse._decoders import SSEDecoder, SSELineDecoder  # not re-exported by httpx-sse 0.4

from logtail_tui.core.errors import ProtocolFailure

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
        self._lines = SSELineDecoder()
        self._fields = SSEDecoder()
        if self.last_event_id:
            self._fields.decode(f"id:{self.last_event_id}")
        self._at_start = True
        self._has_data = False
        self._skip_lf = False

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
                if not text:
                    return []
        if self._skip_lf:
            # The last chunk ended in CR, taken as a line end at once: a LF now is its pair.
            self._skip_lf = False
            if text[0] == "\n":
                text = text[1:]
                if not text:
                    return []
        lines = self._lines.decode(text)
        if self._lines.trailing_cr:
            lines += self._lines.flush()
            self._skip_lf = True
        pending = self._lines.buffer
        if pending and sum(map(len, pending)) > MAX_LINE_BYTES:
            raise ProtocolFailure(
                "The event stream sent a line longer than 64 MiB; this is not a log stream "
                "logtail can follow."
            )
        out: list[SSEEvent] = []
        decode = self._fields.decode
        for line in lines:
            if not line:
                self._dispatch(decode(""), out)
            elif line[0] == ":":
                self.comments += 1
            elif line[:5] == "retry" and line[5:6] in ("", ":"):
                value = line[6:]
                value = value[1:] if value[:1] == " " else value
                if value.isascii() and value.isdigit():
                    self.retry = int(value)
            else:
                if line[:4] == "data" and line[4:5] in ("", ":"):
                    self._has_data = True
                decode(line)
        return out

    def _dispatch(self, sse: ServerSentEvent | None, out: list[SSEEvent]) -> None:
        if sse is None:  # httpx-sse had nothing buffered, not even an id
            self.last_event_id = ""
            return
        self.last_event_id = sse.id
        if self._has_data:
            self._has_data = False
            out.append(SSEEvent(sse.event or "message", sse.data, sse.id))
