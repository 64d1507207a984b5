"""The ``file`` adapter: ``tail -F`` semantics for a path.

Start with the last ``settings.lines`` lines (found by reading backwards from the end,
so a 200 MB file costs a few blocks), then follow. Following watches the *parent
directory* (a watch on the file itself is lost at rotation, see docs/architecture.md) and decides
from ``os.stat`` what happened, as ``tail -F`` does:

- same inode, bigger: appended; read the new bytes;
- same inode, smaller: truncated (``copytruncate``); read again from the start;
- other inode: rotated or deleted and re-created; open the new file at once, drain the
  old descriptor to its end, then read the new file from its start;
- gone: keep draining the old descriptor and wait for the name to come back.

Beyond ``tail -F``: when a writer rotates several times between two wake-ups (numbered
rotation, ``app.log`` -> ``app.log.1`` -> ``app.log.2``), the generations in between are
found by their numbers and read in order, so nothing is skipped.

The directory watch is `DirWatcher` (inotify in the event loop on Linux, watchfiles
elsewhere). A slow stat poll backs up the watcher in case an event is missed. Pipes and FIFOs given
as paths (``<(cmd)``, ``/dev/stdin``) are read like standard input.
Compressed files (gzip, bzip2, xz, zstd: told by their first bytes) are decompressed by
`compressed.read_compressed` instead, and end once read since they cannot grow.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import stat
from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, ClassVar

from logtail_tui.core.chunks import FileChunk
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import Source, SourceEvent, SourceSpec, State, StateChanged
from logtail_tui.sources.file_index import BULK_LINES, TAIL_LINES, Backlog, Handle
from logtail_tui.sources.file_reader import INLINE_READ, FileReader, access_error, sniff
from logtail_tui.sources.rotation import open_between

if TYPE_CHECKING:
    from logtail_tui.core.parse import LineParser
    from logtail_tui.sources.dirwatch import DirWatcher
    from logtail_tui.sources.history import History
    from logtail_tui.sources.stdin import PipeReader

SAFETY_POLL = 1.0
"""Seconds between stats when no event arrives, in case the watcher missed one."""
MISSING_GRACE = 0.25
"""Seconds a name may be missing (mid-rotation) before the state becomes waiting."""


class FileSource(Source):
    """Follows one file by path across appends, truncation, rotation and re-creation."""

    description = "a local file, followed like 'tail -F' (PATH or file:PATH)"
    use_inotify: ClassVar[bool] = True
    """Watch with inotify where available; ``False`` forces watchfiles."""

    @classmethod
    def parse_target(cls, scheme: str, rest: str, text: str) -> str:
        return rest[2:] if rest.startswith("//") else rest

    @classmethod
    def describe_target(cls, scheme: str, target: str, settings: Settings) -> str:
        return target

    def __init__(self, spec: SourceSpec, settings: Settings) -> None:
        super().__init__(spec, settings)
        self.reader = FileReader(spec.target, settings)
        """Opens and reads the file (plain mode's direct run reads with it too)."""
        self.path = self.reader.path
        self.label = spec.label  # the path, with any control character shown
        self._cur: Handle | None = None
        self._waiting = False
        self._missing_since: float | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._wake = asyncio.Event()
        self._dirwatch: DirWatcher | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._pipe: PipeReader | None = None
        self._chunks = self.reader.chunks
        self._backlog: History | None = None

    @property
    def parser(self) -> LineParser:
        return self.reader.parser

    @property
    def bytes_read(self) -> int:
        """Bytes read from disk so far (the tail search included); for tests and benchmarks."""
        return self.reader.bytes_read

    async def _drain(self, h: Handle) -> AsyncIterator[Batch | FileChunk]:
        """Read ``h`` from its position to its current end (`FileReader.step` by step)."""
        while True:
            pending = self.reader.pending(h)
            if pending > INLINE_READ:
                # Big reads, and indexing them, go to a thread: a cold disk never stalls the
                # loop, and keys are answered between blocks.
                events = await asyncio.to_thread(self.reader.step, h, pending)
            else:
                events = self.reader.step(h, pending)
            if events is None:
                return
            for event in events:
                yield event
                await asyncio.sleep(0)  # give the consumer and the UI a turn

    def _flush(self, h: Handle) -> Batch | None:
        return self.reader.flush(h)

    # -- the stream
    async def events(self) -> AsyncGenerator[SourceEvent]:
        st = self.reader.stat()
        if st is not None and not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
            async for event in self._read_stream():
                yield event
            return
        h = self.reader.open() if st is not None else None
        if h is None:
            if not self.settings.follow:
                raise self.reader.missing()
            self._waiting = True
            yield StateChanged(State.WAITING, f"waiting for {self.label} to appear")
        else:
            if (kind := sniff(h.fd)) is not None:
                from logtail_tui.sources.compressed import read_compressed  # bz2, lzma...

                h.closed = True  # the compressed reader owns (and closes) the descriptor
                async for event in read_compressed(
                    h.fd, kind, self.label, self.settings, self.parser
                ):
                    yield event
                return
            self._cur = h
            async for event in self._history(h):
                yield event
            if not self.settings.follow:
                while self._backlog is not None:
                    for event in await self._backlog_step():
                        yield event
                if (last := self._flush(h)) is not None:
                    yield last
                return
            yield self._live()
        from logtail_tui.sources.dirwatch import DirWatcher  # following only: watchfiles costs

        self._dirwatch = DirWatcher(self.path, self._wake, use_inotify=self.use_inotify)
        self._watcher = asyncio.create_task(self._dirwatch.run(), name=f"watch:{self.label}")
        try:
            while True:
                if self._backlog is not None:
                    # Index a block or two of history, then look at the file again.
                    for event in await self._backlog_step():
                        yield event
                    yield self._live()
                    if self._backlog is not None and not self._wake.is_set():
                        continue
                else:
                    # asyncio.timeout, not wait_for: 3.11's wait_for can swallow a cancel
                    # that races the wake-up, and the source would then never stop.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(SAFETY_POLL):
                            await self._wake.wait()
                self._wake.clear()
                async for event in self._check():
                    yield event
        finally:
            if self._dirwatch is not None:
                self._dirwatch.stop.set()

    # -- history
    async def _history(self, h: Handle) -> AsyncIterator[SourceEvent]:
        """The lines asked for with ``-n``: small histories as batches; big ones in bulk,
        the last screen first (TUI) or in order (plain mode)."""
        size = os.fstat(h.fd).st_size
        if self.settings.since is not None or self.settings.until is not None:
            from logtail_tui.sources.file_since import span_history  # --since/--until only

            async for event in span_history(h, size, self.settings, self._chunks, self.parser):
                yield event
            return
        lines = self.settings.lines
        if lines is not None and lines <= BULK_LINES:
            self.reader.seek_lines(h, size, lines)
            async for batch in self._drain(h):
                yield batch
            return
        if self.settings.plain or self.settings.merge_by_time:  # merging reads forwards
            await asyncio.to_thread(self.reader.seek_lines, h, size, lines)
            async for event in self._drain(h):
                yield event
            return
        # Last screen first; the rest is indexed backwards between looks at the file (or
        # was, from launch on: sources/early_history.py).
        from logtail_tui.sources import early_history  # the TUI's only

        early = early_history.claim(self.path, h.fd, self.settings)
        if early is not None:
            h.pos, self._backlog = early.tail, early.history
            self.reader.bytes_read += early.tail_read
        else:
            self.reader.seek_lines(h, size, TAIL_LINES)
        tail = h.pos
        async for event in self._drain(h):
            yield event
        wanted = None if lines is None else lines - TAIL_LINES
        if early is None and tail > 0 and (wanted is None or wanted > 0):
            from logtail_tui.sources.history import History  # the TUI's: a worker pool

            log = Backlog(h.backing_for_chunks(), 0, tail, wanted, tail)
            self._backlog = History(log, self._chunks)

    async def _backlog_step(self) -> list[SourceEvent]:
        """Index the next block or two of history backwards: their chunks, or a state."""
        history = self._backlog
        assert history is not None
        chunks = await history.step()
        self.reader.bytes_read += sum(chunk.length + 1 for chunk in chunks)
        if history.done:
            self._backlog = None
        return [*chunks] if chunks else [self._live()]

    def _live(self) -> StateChanged:
        if self._backlog is None:
            return StateChanged(State.LIVE, "following")
        return StateChanged(State.LIVE, "following", progress=self._backlog.progress)

    async def _read_stream(self) -> AsyncIterator[SourceEvent]:
        """A FIFO, pipe or device named by path: read it like standard input."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
        except OSError as exc:
            raise access_error(exc, self.label) from None
        from logtail_tui.sources.stdin import PipeReader  # pipes only

        self._pipe = PipeReader(fd, self.settings, self.label)
        yield StateChanged(State.LIVE, "reading")
        async for batch in self._pipe.events():
            yield batch

    async def _check(self) -> AsyncIterator[SourceEvent]:
        """Read what is new and follow renames, truncation and re-creation."""
        while True:
            cur = self._cur
            if cur is not None:
                async for batch in self._drain(cur):
                    yield batch
            try:
                st = os.stat(self.path)
            except OSError:
                st = None
            if st is None or not stat.S_ISREG(st.st_mode):
                now = asyncio.get_running_loop().time()
                if self._waiting:
                    return
                if self._missing_since is None:
                    # Rotation leaves the name missing for a moment: look again shortly
                    # before telling the user the file is gone.
                    self._missing_since = now
                    self._timer = asyncio.get_running_loop().call_later(
                        MISSING_GRACE, self._wake.set
                    )
                elif now - self._missing_since >= MISSING_GRACE:
                    self._waiting = True
                    detail = (
                        "file was removed; waiting for it to come back"
                        if cur is not None
                        else f"waiting for {self.label} to appear"
                    )
                    yield StateChanged(State.WAITING, detail)
                return
            self._missing_since = None
            if cur is None or (st.st_dev, st.st_ino) != (cur.dev, cur.ino):
                new = self.reader.open()  # first, so a quick writer cannot rotate it away from us
                if new is None:
                    return  # vanished again between stat and open; the next wake retries
                if cur is not None:
                    async for batch in self._drain(cur):
                        yield batch
                    if (last := self._flush(cur)) is not None:
                        yield last
                    async for batch in self._read_skipped(cur, new):
                        yield batch
                    cur.close()
                self._cur = new
                if cur is not None and not self._waiting:
                    yield StateChanged(
                        State.LIVE, "file replaced (rotated); following the new one", mark=True
                    )
                elif self._waiting or cur is None:
                    self._waiting = False
                    yield StateChanged(State.LIVE, "following")
                continue
            if st.st_size < cur.pos:
                # Truncated in place (copytruncate): what was pending is the end of a line.
                if (last := self._flush(cur)) is not None:
                    yield last
                cur.pos = 0
                yield StateChanged(
                    State.LIVE, "file truncated; reading it from the start", mark=True
                )
                continue
            return

    async def _read_skipped(self, old: Handle, new: Handle) -> AsyncIterator[Batch]:
        """Generations rotated away between ``old`` and ``new`` (``base.K-1`` .. ``base.1``)."""
        for h in await open_between(self.path, old, new, self.settings.max_line_length):
            try:
                async for batch in self._drain(h):
                    yield batch
                if (last := self._flush(h)) is not None:
                    yield last
            finally:
                h.close()

    async def aclose(self) -> None:
        if self._backlog is not None:
            self._backlog.close()
        if self._timer is not None:
            self._timer.cancel()
        if self._dirwatch is not None:
            self._dirwatch.stop.set()
        if self._watcher is not None:
            watcher, self._watcher = self._watcher, None
            # The stop event ends either backend at once (watchfiles: within one step).
            await asyncio.wait({watcher}, timeout=1.0)
            if not watcher.done():
                watcher.cancel()
                await asyncio.wait({watcher})
        if self._pipe is not None:
            self._pipe.close()
        if self._cur is not None:
            self._cur.close()
            self._cur = None
