"""Incremental line framing shared by every adapter (``decode()`` / ``flush()``).

Usage::

    decoder = LineDecoder(settings.max_line_length)
    async for chunk in stream:
        lines = decoder.decode(chunk)      # complete lines only
        ...
    lines = decoder.flush()                # the unterminated tail, if any

Lines end at ``\\n`` or ``\\r\\n`` (also when the two are split across chunks); a lone
``\\r`` inside a line is content, which the sanitiser makes visible. A UTF-8 character
cut across chunks is joined, and invalid UTF-8 becomes U+FFFD.

A line longer than ``max_line_length`` characters is cut into pieces of that length;
every piece after the first starts with `CONTINUED`. Nothing is dropped, and at most
``max_line_length`` characters of an unfinished line are held, so memory stays bounded
even for a gigabyte without a newline (fed in chunks, as every adapter reads).
"""

from __future__ import annotations

import codecs

from logtail_tui.core.settings import DEFAULT_MAX_LINE_LENGTH

CONTINUED = "↪ "
"""Prefix of the pieces after the first when an over-long line is split."""


class LineDecoder:
    """Bytes or text in, complete lines out (without their ``\\n`` / ``\\r\\n``).

    Args:
        max_line_length: Longest line kept whole, in characters; ``0`` means no limit
            (and no memory bound).
    """

    def __init__(self, max_line_length: int = DEFAULT_MAX_LINE_LENGTH) -> None:
        if max_line_length < 0:
            raise ValueError("max_line_length must be 0 (no limit) or positive")
        self.max_line_length = max_line_length
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self._continuing = False
        """The pending text continues a line whose earlier pieces were already emitted."""

    @property
    def at_line_start(self) -> bool:
        """Whether nothing of an unfinished line is held (bulk readers may take over)."""
        return not self._pending and not self._continuing and not self._utf8.getstate()[0]

    def decode(self, data: bytes) -> list[str]:
        """Frame a chunk of UTF-8 bytes; returns the lines it completed."""
        return self.decode_text(self._utf8.decode(data))

    def decode_text(self, text: str) -> list[str]:
        """Frame already-decoded text (WebSocket text frames, SSE data)."""
        if not text:
            return []
        if self._pending:
            text = self._pending + text
        if "\r" in text:
            # A "\r" that ends the text stays pending below, so a split "\r\n" still joins.
            text = text.replace("\r\n", "\n")
        lines = text.split("\n")
        self._pending = lines.pop()
        size = self.max_line_length
        if (
            size
            and len(text) > size
            and (len(self._pending) > size or (lines and max(map(len, lines)) > size))
        ):
            return self._split(lines, size)
        if self._continuing and lines:
            lines[0] = CONTINUED + lines[0]
            self._continuing = False
        return lines

    def _split(self, lines: list[str], size: int) -> list[str]:
        out: list[str] = []
        for line in lines:
            self._pieces(line, size, out)
            self._continuing = False
        pending = self._pending
        if len(pending) > size:
            # Emit whole pieces now and keep 1..size characters (plus a trailing "\r",
            # maybe half of a "\r\n"): memory stays bounded and no empty piece appears.
            body = len(pending) - pending.endswith("\r")
            cut = body - (body % size or size)
            if cut > 0:
                self._pieces(pending[:cut], size, out)
                self._pending = pending[cut:]
                self._continuing = True
        return out

    def _pieces(self, line: str, size: int, out: list[str]) -> None:
        first = not self._continuing
        for start in range(0, len(line), size) if line else (0,):
            piece = line[start : start + size]
            out.append(piece if first else CONTINUED + piece)
            first = False

    def flush(self) -> list[str]:
        """End of input: the last line when it had no newline (``[]`` otherwise)."""
        rest = self._pending + self._utf8.decode(b"", final=True)
        self._utf8.reset()
        self._pending = ""
        if not rest:
            self._continuing = False
            return []
        if rest.endswith("\r"):
            rest = rest[:-1]
        out: list[str] = []
        self._pieces(rest, self.max_line_length or len(rest) or 1, out)
        self._continuing = False
        return out
