"""Compressed log files (gzip, bzip2, xz, zstd) read transparently by the file source.

The kind is told by the first bytes (`file_reader.sniff`), not the name: ``app.log.gz`` that is really plain
text reads as text, and a gzip file without a suffix still decompresses. gzip, bzip2 and
xz come with Python; zstd needs the optional ``zstandard`` package (``logtail[zstd]``).

Decompression runs in chunks of `READ_CHUNK` bytes in a worker thread, so memory stays
bounded whatever the file's size: ``-n all`` yields batches as they come, ``-n N`` keeps
only the last N lines while it reads. A compressed file cannot grow, so following one
reads it to its end and then reports ``COMPLETED`` with a detail that says so.
"""

from __future__ import annotations

import asyncio
import bz2
import gzip
import lzma
import os
import zlib
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import IO, Any

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.errors import SourceError
from logtail_tui.core.parse import LineParser
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import SourceEvent, State, StateChanged, batches
from logtail_tui.sources.file_reader import READ_CHUNK

CANNOT_GROW = "compressed file read to its end; it cannot grow"
"""The ``COMPLETED`` detail after following a compressed file."""


def _opener(kind: str, label: str) -> Callable[[IO[bytes]], IO[bytes]]:
    if kind == "gzip":
        return lambda raw: gzip.GzipFile(fileobj=raw, mode="rb")
    if kind == "bzip2":
        return lambda raw: bz2.BZ2File(raw)
    if kind == "xz":
        return lambda raw: lzma.LZMAFile(raw)
    try:
        import zstandard
    except ImportError:
        raise SourceError(
            f"{label} is zstd-compressed and the zstandard package is not installed; "
            "install logtail-tui[zstd] or decompress it first."
        ) from None
    return lambda raw: zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)


def _errors() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = [OSError, EOFError, lzma.LZMAError, zlib.error]
    try:
        import zstandard

        found.append(zstandard.ZstdError)
    except ImportError:
        pass
    return tuple(found)


async def read_compressed(
    fd: int, kind: str, label: str, settings: Settings, parser: LineParser
) -> AsyncIterator[SourceEvent]:
    """Decompress the file open at ``fd`` (closed at the end) into batches.

    Yields the last ``settings.lines`` lines (all of them for ``None``), then, when
    following, ``COMPLETED`` with `CANNOT_GROW`.

    Raises:
        SourceError: for a damaged or truncated archive (after the lines read before the
            damage), or a zstd file without the zstandard package.
    """
    raw = os.fdopen(fd, "rb", closefd=True)
    try:
        stream = _opener(kind, label)(raw)
        wanted = settings.lines
        decoder = LineDecoder(settings.max_line_length)
        last: deque[str] = deque(maxlen=wanted if wanted is not None else None)
        read: Any = stream.read
        error: SourceError | None = None
        try:
            while wanted != 0:
                data = await asyncio.to_thread(read, READ_CHUNK)
                if not data:
                    last.extend(decoder.flush())
                    break
                lines = decoder.decode(data)
                if wanted is None:
                    for batch in batches(parser, lines):
                        yield batch
                        await asyncio.sleep(0)  # give the consumer and the UI a turn
                else:
                    last.extend(lines)
            stream.close()
        except _errors() as exc:
            why = str(exc) or type(exc).__name__
            error = SourceError(
                f"{label} is a damaged {kind} file ({why}); check that it was copied completely."
            )
        # The wanted last lines, or the end of `-n all`; before the error, what was readable.
        for batch in batches(parser, list(last)):
            yield batch
        if error is not None:
            raise error
    finally:
        raw.close()
    if settings.follow:
        yield StateChanged(State.COMPLETED, CANNOT_GROW)
