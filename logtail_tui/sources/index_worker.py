"""The worker process of `index_pool`: indexes the history blocks it is sent, one at a time,
until its input closes (docs/architecture.md, "Files opened whole").

Run as ``python -m logtail_tui.sources.index_worker``; its standard output carries replies
only, so nothing else here may print.
"""

from __future__ import annotations

import os
import sys

from logtail_tui.core.bulk import Learned, LevelIndexer
from logtail_tui.core.records import Grouper
from logtail_tui.sources.file_index import block_between, index_block
from logtail_tui.sources.index_pool import READY, Indexed, frame, read_frame


def index_range(
    path: str, lo: int, hi: int, fmt: str, field_map: dict[str, str], learned: Learned
) -> Indexed | None:
    """The levels and record starts of the whole lines ``[lo, hi)`` of ``path``, as the
    source's own `ChunkMaker` finds them for a history block (``None``: the file no longer
    holds them)."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        block = block_between(fd, lo, hi)
    finally:
        os.close(fd)
    if block is None:
        return None
    indexer = LevelIndexer(fmt, field_map)
    indexer.adopt(learned)
    levels, starts, orphans = index_block(indexer, block, Grouper())
    return Indexed(block.start, block.length, levels, starts, orphans)


def main() -> None:
    out, inp = sys.stdout.buffer, sys.stdin.buffer
    out.write(READY)
    out.flush()
    while True:
        try:
            request = read_frame(inp)
        except EOFError:
            return
        try:
            reply = index_range(*request)  # type: ignore[misc]
        except Exception:
            reply = None
        out.write(frame(reply))
        out.flush()


if __name__ == "__main__":
    main()
