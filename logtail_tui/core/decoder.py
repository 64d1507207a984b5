"""Incremental line framing shared by every adapter (``decode()`` / ``flush()``)."""

from __future__ import annotations

import codecs

from logtail_tui.core.settings import DEFAULT_MAX_LINE_LENGTH

CONTINUED = "↪ "
"""Prefix of the pieces after the first when an over-long line is split."""


class LineDecoder:
    """Bytes in, complete lines out (without their ``\\n`` / ``\\r\\n``).

    A UTF-8 character cut across chunks is joined; invalid UTF-8 becomes U+FFFD; a line
    longer than ``max_line_length`` characters is split into pieces, the later ones
    starting with `CONTINUED`, so nothing is lost and memory stays bounded.
    """

    def __init__(self, max_line_length: int = DEFAULT_MAX_LINE_LENGTH) -> None:
        self.max_line_length = max_line_length
        self._utf8 = codecs.getincrementaldecoder("utf-8")("replace")
        self._pending = ""
        self._continuing = False

    def decode(self, data: bytes) -> list[str]:
        return self.decode_text(self._utf8.decode(data))

    def decode_text(self, text: str) -> list[str]:
        """Frame already-decoded text (text frames, SSE data)."""
        if not text:
            return []
        if self._pending:
            text = self._pending + text
        lines = text.split("\n")
        self._pending = lines.pop()
        out = [line[:-1] if line.endswith("\r") else line for line in lines]
        if self.max_line_length and (
            len(self._pending) > self.max_line_length
            or any(len(line) > self.max_line_length for line in out)
        ):
            return self._split_long(out)
        if self._continuing and out:
            out[0] = CONTINUED + out[0]
            self._continuing = False
        return out

    def _split_long(self, lines: list[str]) -> list[str]:
        size = self.max_line_length
        out: list[str] = []
        for line in lines:
            out.extend(self._pieces(line, size))
            self._continuing = False
        if len(self._pending) > size:
            cut = len(self._pending) - len(self._pending) % size
            out.extend(self._pieces(self._pending[:cut], size))
            self._pending = self._pending[cut:]
            self._continuing = True
        return out

    def _pieces(self, line: str, size: int) -> list[str]:
        pieces = [line[i : i + size] for i in range(0, len(line), size)] or [""]
        start = 0 if self._continuing else 1
        for i in range(start, len(pieces)):
            pieces[i] = CONTINUED + pieces[i]
        return pieces

    def flush(self) -> list[str]:
        """The last line when the input ended without a newline."""
        rest = self._pending + self._utf8.decode(b"", final=True)
        self._pending = ""
        if not rest:
            return []
        rest = rest[:-1] if rest.endswith("\r") else rest
        out = self._pieces(rest, self.max_line_length or len(rest) or 1)
        self._continuing = False
        return out
