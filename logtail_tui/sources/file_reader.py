"""Reading a local file: opening it, and reading it from a position to its current end.

One implementation, two drivers: the ``file`` adapter (`file.FileSource`) runs it on the event
loop, big reads in a thread, and follows the file afterwards; plain mode's direct run
(``--no-follow`` on one file) runs it without an event loop. Nothing here imports asyncio:
that import alone costs 30-40 ms of each start (docs/architecture.md, "Plain output").
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator

from logtail_tui.core.chunks import FileChunk
from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.errors import AccessDenied, SourceError, SourceNotFound
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch
from logtail_tui.core.sanitize import visible
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import batches
from logtail_tui.sources.file_index import ChunkMaker, Handle, block_after, tail_offset

READ_CHUNK = 1 << 20
"""Bytes read at once from regular files: ~10 ms to decode, so the loop gets a turn often
(4 MiB reads were no faster and stalled the loop for 250 ms with 64k-line batches)."""
INLINE_READ = 1 << 20
"""Pending bytes up to which the adapter reads on the loop; beyond, in a thread, in bulk."""

MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"\x28\xb5\x2f\xfd", "zstd"),
)
"""Leading bytes of each compressed format (`compressed.read_compressed` reads them)."""


def sniff(fd: int) -> str | None:
    """The compression of the open file ``fd`` (``"gzip"``...), ``None`` for anything else."""
    head = os.pread(fd, 8, 0)
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    return None


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


class FileReader:
    """Opens one path and reads its open generations (`Handle`) into batches and chunks.

    Args:
        target: The path as given (``~`` expands); errors name it as given.
        settings: Format, field map, line length limit, ``plain``.
    """

    def __init__(self, target: str, settings: Settings) -> None:
        self.path = os.path.abspath(os.path.expanduser(target))
        self.label = visible(target)  # for messages: the path, control characters shown
        self.settings = settings
        self.parser = LineParser(settings.format, settings.field_map)
        self.chunks = ChunkMaker(settings, in_memory=settings.plain)
        # Appends go by block or by line: one record state, so a trace may span both.
        self.chunks.grouper = self.parser.grouper
        self.bytes_read = 0
        """Bytes read from disk so far (the tail search included); for tests and benchmarks."""

    # -- opening
    def stat(self) -> os.stat_result | None:
        """The path's status; ``None`` if it does not exist. Raises `SourceError` otherwise."""
        try:
            return os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise access_error(exc, self.label) from None

    def open(self) -> Handle | None:
        """Open the path; ``None`` if it does not exist. Raises `SourceError` otherwise."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise access_error(exc, self.label) from None
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            os.close(fd)
            raise SourceError(f"{self.label} is a directory; give a log file inside it.")
        if stat.S_ISREG(st.st_mode):
            os.set_blocking(fd, True)
        return Handle(fd, st.st_dev, st.st_ino, LineDecoder(self.settings.max_line_length))

    def missing(self) -> SourceNotFound:
        return SourceNotFound(f"No such file: {self.label}; check the path.")

    def open_once(self) -> Handle | None:
        """Open a regular, uncompressed file to read once (``--no-follow``); ``None`` when the
        adapter must read it instead (a pipe or device, a compressed file).

        Raises:
            SourceError: as the adapter would: missing, a directory, permission denied.
        """
        st = self.stat()
        if st is None:
            raise self.missing()
        if not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
            return None
        h = self.open()
        if h is None:
            raise self.missing()
        if sniff(h.fd) is not None:
            h.close()
            return None
        return h

    # -- reading
    def seek_lines(self, h: Handle, size: int, lines: int | None) -> None:
        """Put ``h`` where the last ``lines`` lines of its first ``size`` bytes start."""
        h.pos, read = tail_offset(h.fd, size, lines)
        self.bytes_read += read

    @staticmethod
    def pending(h: Handle) -> int:
        """Bytes between ``h``'s position and the file's end."""
        return os.fstat(h.fd).st_size - h.pos

    def step(self, h: Handle, pending: int) -> list[Batch | FileChunk] | None:
        """One read at ``h``'s position (``pending``: bytes known to follow it); ``None`` at the end.

        A big stretch of whole lines (a burst, a file opened whole) becomes one chunk indexed
        in bulk: no per-line object, parsed only when looked at. Otherwise the batches of one
        read, possibly none (a line still unfinished).
        """
        if pending > INLINE_READ and h.decoder.at_line_start:
            block = block_after(h.fd, h.pos, h.pos + pending)
            if block is not None:
                h.pos = block.start + block.length + 1
                self.bytes_read += block.length + 1
                return [self.chunks.chunk(block, h.backing_for_chunks())]
        data = os.pread(h.fd, READ_CHUNK, h.pos)
        if not data:
            return None
        h.pos += len(data)
        self.bytes_read += len(data)
        return list(batches(self.parser, h.decoder.decode(data)))

    def flush(self, h: Handle) -> Batch | None:
        """The unfinished last line of ``h`` (no line feed ends it), if any."""
        rest = h.decoder.flush()
        return self.parser.parse(rest) if rest else None

    def read_to_end(self, h: Handle) -> Iterator[Batch | FileChunk]:
        """Everything from ``h``'s position to its end, the unfinished last line included."""
        while (events := self.step(h, self.pending(h))) is not None:
            yield from events
        if (last := self.flush(h)) is not None:
            yield last
