"""A second process that indexes history blocks (docs/architecture.md, "Files opened whole").

Indexing a block is mostly one regex pass over its lines, and a Python process runs Python on
one core at a time (the GIL). Opening a big file whole, the file source hands every other
block of history to one worker process while its own thread indexes the rest, so on a machine
with a core to spare the whole file is indexed (and searchable) in about half the time.

The worker is ``python -m logtail_tui.sources.index_worker``: a plain child process (no
``multiprocessing``, which would re-import the main module), in a session of its own so the
terminal's signals go to logtail alone, with its error stream at ``/dev/null`` so nothing it
might print reaches the TUI. Requests and replies are length-prefixed pickles on its standard
streams; it ends when its input closes, so it never outlives logtail. It opens the file as
``/proc/<pid>/fd/<fd>``: the very file the source holds, even after a rotation or deletion.
Where there is no ``/proc`` (macOS) or a single core, or with ``LOGTAIL_INDEX_WORKERS=0``,
there is no worker and history is indexed by the source's thread alone, with the same result.
"""

from __future__ import annotations

import asyncio
import os
import pickle
import select
import struct
import subprocess
import sys
from dataclasses import dataclass
from typing import IO

from logtail_tui.core.bulk import LevelIndexer

PROBE = 64 << 10
"""Bytes read to find a line start near a planned block boundary."""
READY = b"R"
"""What the worker writes once it has loaded what it needs."""


@dataclass(frozen=True, slots=True)
class Indexed:
    """What the worker found in the whole lines at ``start`` (``length`` bytes)."""

    start: int
    length: int
    levels: bytearray
    starts: bytearray | None
    orphans: int


def usable() -> bool:
    """Whether a worker can help here (see the module's docstring)."""
    if os.environ.get("LOGTAIL_INDEX_WORKERS", "1") == "0":
        return False
    return (os.cpu_count() or 1) > 1 and os.path.isdir(f"/proc/{os.getpid()}/fd")


def line_start_after(fd: int, lo: int, pos: int, hi: int) -> int | None:
    """The first line start at or after ``pos``, if it lies strictly between ``lo`` and
    ``hi`` (and within `PROBE` bytes)."""
    if pos <= lo:
        return None
    data = os.pread(fd, min(PROBE, hi - pos + 1), pos - 1)
    feed = data.find(b"\n")
    if feed < 0 or pos + feed >= hi:
        return None
    return pos + feed


def frame(obj: object) -> bytes:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    return struct.pack("<I", len(data)) + data


def read_frame(stream: IO[bytes]) -> object:
    """One length-prefixed pickle from ``stream``; EOFError at its end."""
    read = stream.read
    head = read(4)
    if len(head) < 4:
        raise EOFError
    (size,) = struct.unpack("<I", head)
    data = read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class IndexPool:
    """One worker process, started at once; `ready` once it has said so."""

    def __init__(self) -> None:
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            [sys.executable, "-m", "logtail_tui.sources.index_worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
            start_new_session=True,
        )
        self._ready = False
        self.blocks = 0
        """Blocks the worker indexed (for tests and benchmarks)."""

    @property
    def ready(self) -> bool:
        """Whether the worker is up (never blocks: it loads in the background)."""
        proc = self._proc
        if self._ready or proc is None or proc.stdout is None:
            return self._ready
        if select.select([proc.stdout], [], [], 0)[0]:
            self._ready = proc.stdout.read(1) == READY
            if not self._ready:
                self.close()  # it failed to start: the thread does it all
        return self._ready

    async def index(self, fd: int, lo: int, hi: int, indexer: LevelIndexer) -> Indexed | None:
        """The whole lines ``[lo, hi)`` of the file open as ``fd``, indexed by the worker;
        ``None`` if the file no longer holds them or the worker is gone."""
        proc = self._proc
        assert self._ready and proc is not None and proc.stdin is not None
        request = (f"/proc/{os.getpid()}/fd/{fd}", lo, hi, indexer.fmt, indexer.field_map)
        try:
            proc.stdin.write(frame((*request, indexer.learned())))
            proc.stdin.flush()
            reply = await asyncio.to_thread(read_frame, proc.stdout)
        except (OSError, EOFError, pickle.UnpicklingError):
            self.close()
            return None
        if not isinstance(reply, Indexed):
            return None
        self.blocks += 1
        return reply

    def close(self) -> None:
        """End the worker (closing its input is enough; kill it if it lingers)."""
        proc, self._proc, self._ready = self._proc, None, False
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            if stream is not None:
                try:
                    stream.close()
                except OSError:
                    pass
        try:
            proc.wait(timeout=0.5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
