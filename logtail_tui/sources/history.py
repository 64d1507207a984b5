"""A file's history indexed backwards from its end, between looks at the file
(docs/architecture.md, "Files opened whole").

Each step reads and indexes the block of whole lines just before what is already shown, in a
thread so the loop keeps answering keys. Once the worker process of `index_pool` is up and the
whole file is wanted, a step indexes two blocks at once: the newer one in the thread, the one
before it in the worker. Chunks come out newest first either way, so the store prepends them
exactly as it would one at a time.
"""

from __future__ import annotations

import asyncio

from logtail_tui.core.chunks import FileChunk
from logtail_tui.sources.file_index import (
    BLOCK,
    Backlog,
    ChunkMaker,
    block_before,
    block_between,
    keep_last,
)
from logtail_tui.sources.index_pool import IndexPool, line_start_after, usable

POOL_BYTES = 4 * BLOCK
"""History worth starting a worker process for (it costs ~25 MiB while it runs)."""


class History:
    """Steps through ``log`` with ``maker``; `close` when the source stops."""

    def __init__(self, log: Backlog, maker: ChunkMaker) -> None:
        self.log = log
        self.maker = maker
        self.done = False
        worth = log.wanted is None and log.hi - log.lo > POOL_BYTES
        self.pool: IndexPool | None = None
        if worth and usable():
            try:
                self.pool = IndexPool()
            except OSError:  # no process to spare (limits, no interpreter): the thread alone
                self.pool = None

    @property
    def progress(self) -> float:
        log = self.log
        return 1 - log.hi / log.total if log.total else 1.0

    async def step(self) -> list[FileChunk]:
        """The next block or two of history, newest first (none once it is all read)."""
        chunks = None
        if self.pool is not None and self.pool.ready and self.maker.indexer.learned()[0]:
            chunks = await self._two_blocks(self.pool)
        if chunks is None:
            chunk = await asyncio.to_thread(self._one_block)
            chunks = [chunk] if chunk is not None else []
        if not chunks or self.log.hi <= self.log.lo:
            self.close()
        return chunks

    def close(self) -> None:
        self.done = True
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def _one_block(self) -> FileChunk | None:
        log = self.log
        block = block_before(log.backing.fd, log.lo, log.hi, BLOCK)
        if block is None:
            return None
        if log.wanted is not None:
            block = keep_last(block, log.wanted)
            log.wanted -= block.lines
            if log.wanted <= 0:
                log.lo = block.start  # nothing more wanted
        log.hi = block.start
        return self.maker.chunk(block, log.backing, history=True)

    async def _two_blocks(self, pool: IndexPool) -> list[FileChunk] | None:
        log, fd = self.log, self.log.backing.fd
        mid = line_start_after(fd, log.lo, log.hi - BLOCK, log.hi)
        low = line_start_after(fd, log.lo, mid - BLOCK, mid) if mid is not None else None
        if mid is None or low is None:
            return None  # near the start, or lines too long to cut near the plan: one block
        older = asyncio.ensure_future(pool.index(fd, low, mid, self.maker.indexer))
        newer = await asyncio.to_thread(self._exact_block, mid, log.hi)
        found = await older
        if newer is None:
            return None  # truncated meanwhile: a step of one block sees to it
        if found is None:
            log.hi = mid
            return [newer]
        log.hi = low
        chunk = self.maker.on_disk(found.start, found.length, found.levels, log.backing)
        chunk.starts, chunk.orphans, chunk.history = found.starts, found.orphans, True
        return [newer, chunk]

    def _exact_block(self, lo: int, hi: int) -> FileChunk | None:
        block = block_between(self.log.backing.fd, lo, hi)
        return self.maker.chunk(block, self.log.backing, history=True) if block else None
