"""Where file chunks read their lines back from, and what they show once the file shrank."""

from __future__ import annotations

import os

from logtail_tui.core.lines import Lines


class FileBacking:
    """An open file that chunks read their lines back from; closed when they are all gone."""

    def __init__(self, fd: int) -> None:
        self.fd = os.dup(fd)

    def read(self, offset: int, length: int) -> bytes:
        try:
            return os.pread(self.fd, length, offset)
        except OSError:
            return b""

    def __del__(self) -> None:
        try:
            os.close(self.fd)
        except OSError:
            pass


class _Truncated:
    """Lines still in a file truncated under its chunk, then placeholders."""

    GONE = "(no longer in the file: it was truncated)"

    def __init__(self, lines: Lines, n: int) -> None:
        self.lines, self.n = lines, n

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            lo, hi, _ = index.indices(self.n)
            return [self[k] for k in range(lo, hi)]  # type: ignore[misc]
        return self.lines[index] if index < self.lines.n else self.GONE
