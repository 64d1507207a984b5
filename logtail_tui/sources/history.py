"""A file's history indexed backwards from its end, between looks at the file
(docs/architecture.md, "Files opened whole").

Each step reads and indexes the blocks of whole lines just before what is already shown, in a
thread so the loop keeps answering keys: as many as fit in `STEP_SECONDS`, so a busy loop (the
TUI starting) does not slow indexing down to one block a turn. Without the C helper
(`core/native.py`), and once the worker process of `index_pool` is up and the whole file is
wanted, a step indexes two blocks at once: the newer one in the thread, the one before it in
the worker. Chunks come out newest first either way, so the store prepends them exactly as it
would one at a time.

A history started at launch (`sources/early_history.py`) runs ahead instead: one thread
indexes every block while the TUI is still starting, and each step hands over what it made.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable

from logtail_tui.core import native
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
WORKER_WANTED = not native.ENABLED
"""A second process pays off only for Python's indexing: the C helper indexes a 4 MiB block
in about 5 ms, less than the worker's pickles and start cost."""
STEP_SECONDS = 0.02
"""How long one step may index before the source looks at the file again."""


class History:
    """Steps through ``log`` with ``maker``; `close` when the source stops."""

    def __init__(self, log: Backlog, maker: ChunkMaker) -> None:
        self.log = log
        self.maker = maker
        self.done = False
        worth = WORKER_WANTED and log.wanted is None and log.hi - log.lo > POOL_BYTES
        self.pool: IndexPool | None = None
        self._ahead: _Ahead | None = None
        if worth and usable():
            try:
                self.pool = IndexPool()
            except OSError:  # no process to spare (limits, no interpreter): the thread alone
                self.pool = None

    @property
    def progress(self) -> float:
        log = self.log
        return 1 - log.hi / log.total if log.total else 1.0

    def run_ahead(self, on_end: Callable[[], None] = lambda: None) -> None:
        """Index every block from now on in a thread of its own, without waiting for a step
        to ask (no loop may be running yet); steps hand over what it has made. The thread
        calls ``on_end`` when it stops."""
        self.close_pool()
        self._ahead = _Ahead(self._one_block, on_end)
        self._ahead.start()  # once set: `close` may be called from the first block on

    async def step(self) -> list[FileChunk]:
        """The next block or two of history, newest first (none once it is all read)."""
        if self._ahead is not None:
            chunks = await asyncio.to_thread(self._ahead.take)
            if not chunks:
                self.close()
            return chunks
        chunks = None
        if self.pool is not None and self.pool.ready and self.maker.indexer.learned()[0]:
            chunks = await self._two_blocks(self.pool)
        if chunks is None:
            chunks = await asyncio.to_thread(self._blocks)
        if not chunks or self.log.hi <= self.log.lo:
            self.close()
        return chunks

    def close(self) -> None:
        self.done = True
        if self._ahead is not None:
            self._ahead.stop()
        self.close_pool()

    def close_pool(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def _blocks(self) -> list[FileChunk]:
        """Blocks for up to `STEP_SECONDS`, newest first (only one while a worker helps:
        the next step gives it one too)."""
        chunks: list[FileChunk] = []
        until = time.monotonic() + STEP_SECONDS
        while (chunk := self._one_block()) is not None:
            chunks.append(chunk)
            if self.pool is not None or self.log.hi <= self.log.lo or time.monotonic() > until:
                break
        return chunks

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


class _Ahead:
    """A thread calling ``make`` until it returns ``None``, keeping what it made for `take`."""

    def __init__(self, make: Callable[[], FileChunk | None], on_end: Callable[[], None]) -> None:
        self._make = make
        self._on_end = on_end
        self._made: list[FileChunk] = []
        self._finished = False
        self._stopped = False
        self._error: Exception | None = None
        self._ready = threading.Condition()

    def start(self) -> None:
        threading.Thread(target=self._run, name="history-ahead", daemon=True).start()

    def _run(self) -> None:
        try:
            while not self._stopped and (chunk := self._make()) is not None:
                with self._ready:
                    self._made.append(chunk)
                    self._ready.notify()
        except Exception as exc:  # raised again by `take`, as a step would raise it
            self._error = exc
        finally:
            with self._ready:
                self._finished = True
                self._ready.notify()
            self._on_end()

    def take(self) -> list[FileChunk]:
        """What was made since the last call, newest first, waiting for at least one
        chunk; none once everything was taken. Raises the error that stopped the thread,
        once what it made before is taken."""
        with self._ready:
            self._ready.wait_for(lambda: self._made or self._finished)
            made, self._made = self._made, []
        if not made and self._error is not None:
            raise self._error
        return made

    def stop(self) -> None:
        """Make no more after the block under way (its chunk is dropped with the rest)."""
        self._stopped = True
