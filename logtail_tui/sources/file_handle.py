"""One open generation of a followed file, and the error for a file that cannot be opened.

A generation is one inode behind the followed name: rotation and re-creation give the name a
new one while the old descriptor is drained to its end (see `logtail_tui.sources.file`).
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field

from logtail_tui.core.chunks import FileBacking
from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.errors import AccessDenied, SourceError, SourceNotFound


@dataclass(eq=False)
class Generation:
    """One open generation of the file (one inode)."""

    fd: int
    dev: int
    ino: int
    decoder: LineDecoder
    pos: int = 0
    closed: bool = field(default=False)
    backing: FileBacking | None = None
    """What chunks of this generation read their lines back from (made on first use)."""

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            os.close(self.fd)

    def backing_for_chunks(self) -> FileBacking:
        if self.backing is None:
            self.backing = FileBacking(self.fd)
        return self.backing


def access_error(exc: OSError, path: str) -> SourceError:
    """The one-sentence error for an ``OSError`` met while opening ``path``."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        return AccessDenied(
            f"Permission denied reading {path}; check its permissions or run as a user "
            "who can read it."
        )
    if exc.errno == errno.EISDIR:
        return SourceError(f"{path} is a directory; give a log file inside it.")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return SourceNotFound(f"No such file: {path}; check the path.")
    return SourceError(f"Cannot read {path} ({exc.strerror}); check the path.")
