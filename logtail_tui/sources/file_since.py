"""``--since`` / ``--until`` for files: binary search on line times (docs/architecture.md,
"Since and until").

A file's lines are taken to be in time order, as logs are. The first line at or after a
time is found with about 30 probes for a 1 GiB file, each reading from a byte offset to the
next line that has a time (at its start, or in a JSON or logfmt record's time field): lines
without one (stack traces) belong to the timed line before them, so they go with it. A file
with no time near its start is read whole.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator

from logtail_tui.core.chunks import FileChunk
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.core.times import parse_time
from logtail_tui.sources.file_index import ChunkMaker, Handle, block_after
from logtail_tui.sources.stdin import batches

PROBE = 4 << 10
"""Bytes read at a time while looking for the next timed line."""
PROBE_LIMIT = 1 << 20
"""A stretch this long without a timed line counts as "no time here"."""
HEAD = 128
"""Bytes at the start of a line where its time is looked for."""
RECORD_HEAD = 64 << 10
"""The same for a JSON record, whose time field may come anywhere."""
_PARSER = LineParser()


def next_timed(
    fd: int, pos: int, size: int, parser: LineParser | None = None
) -> tuple[int, float] | None:
    """``(offset, time)`` of the first line starting at or after ``pos`` that has a time
    (at its start, or in a JSON or logfmt record's time field, read with ``parser``), or
    ``None`` when none does within `PROBE_LIMIT` bytes (or before the end)."""
    at = max(pos - 1, 0)  # from the byte before pos: a line feed there means pos starts a line
    end = min(size, pos + PROBE_LIMIT)
    line_at: int | None = 0 if pos == 0 else None  # None: still looking for a line start
    head = b""  # the current line's first bytes: a time can only be there
    while at < end:
        data = os.pread(fd, PROBE, at)
        if not data:
            break
        i = 0
        while True:
            cut = data.find(b"\n", i)
            if line_at is not None:
                limit = RECORD_HEAD if head[:1] == b"{" or data[i : i + 1] == b"{" else HEAD
                if len(head) < limit:
                    head += data[i : cut if cut >= 0 else len(data)][: limit - len(head)]
                if cut < 0:
                    break
                if (epoch := _time_of(head, parser)) is not None:
                    return line_at, epoch
            elif cut < 0:
                break
            line_at, head, i = at + cut + 1, b"", cut + 1
        at += len(data)
    last = line_at is not None and head and at >= size
    if last and (epoch := _time_of(head, parser)) is not None:
        return line_at, epoch  # the last line, without its line feed yet
    return None


def _time_of(head: bytes, parser: LineParser | None) -> float | None:
    text = head.decode("utf-8", "replace")
    epoch = parse_time(text)[0]
    if epoch is None and (text[:1] == "{" or "=" in text[:64]):  # JSON or logfmt record
        batch = (parser or _PARSER).parse([text])
        if batch.times is not None and batch.times[0]:
            epoch = parse_time(batch.times[0])[0]
    return epoch


def offset_of(
    fd: int, size: int, when: float, after: bool = False, parser: LineParser | None = None
) -> int:
    """The offset of the first timed line at ``when`` or later (``after``: later only);
    ``size`` when there is none. A file without times gives 0 (shown whole)."""
    first = next_timed(fd, 0, size, parser)
    if first is None:
        return 0

    def reached(pos: int) -> bool:
        found = next_timed(fd, pos, size, parser)
        return found is None or (found[1] > when if after else found[1] >= when)

    lo, hi = 0, size
    while lo < hi:
        mid = (lo + hi) // 2
        if reached(mid):
            hi = mid
        else:
            lo = mid + 1
    found = next_timed(fd, lo, size, parser)
    return found[0] if found is not None else size


def history_span(
    fd: int, size: int, since: float | None, until: float | None, parser: LineParser | None = None
) -> tuple[int, int]:
    """Byte range ``[start, end)`` of the lines from ``since`` up to ``until``."""
    start = offset_of(fd, size, since, parser=parser) if since is not None else 0
    end = offset_of(fd, size, until, True, parser) if until is not None else size
    if end == 0 and next_timed(fd, 0, size, parser) is None:
        end = size  # no times at all: nothing to cut
    return start, max(start, end)


async def span_history(
    h: Handle, size: int, settings: Settings, chunks: ChunkMaker, parser: LineParser
) -> AsyncIterator[Batch | FileChunk]:
    """The history asked for by ``settings.since`` / ``settings.until`` (``-n`` does not
    apply then), forwards in blocks; leaves ``h`` at the end of the file to follow it."""
    start, end = await asyncio.to_thread(
        history_span, h.fd, size, settings.since, settings.until, parser
    )
    pos = start
    while pos < end:
        block = await asyncio.to_thread(block_after, h.fd, pos, end)
        if block is None:  # the last line has no line feed yet, or is longer than a block
            for batch in batches(parser, h.decoder.decode(os.pread(h.fd, end - pos, pos))):
                yield batch
            if rest := h.decoder.flush():
                yield parser.parse(rest)
            break
        pos = block.start + block.length + 1
        yield await asyncio.to_thread(chunks.chunk, block, h.backing_for_chunks())
    h.pos = size  # lines after --until are skipped; what is appended from now on is followed
