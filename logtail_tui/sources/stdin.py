"""The ``stdin`` adapter (``-`` or ``fd:N``) and the pipe reader shared with ``file`` and ``cmd``.

Reading goes through ``loop.connect_read_pipe`` so the event loop never blocks on the
pipe; whatever arrives between two turns of the consumer is decoded as one chunk and
becomes one batch (never one event per line).

When input is piped, Textual still needs a keyboard: the CLI calls `reattach_terminal`
before starting the app, which moves the pipe to a new descriptor and puts the terminal
back on fd 0.
"""

from __future__ import annotations

import asyncio
import os
import stat
from collections.abc import AsyncGenerator, AsyncIterator

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.errors import SourceError, SourceNotFound, UsageError
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import (
    MAX_BATCH_LINES,
    Source,
    SourceEvent,
    SourceSpec,
    State,
    StateChanged,
    batches,
)
from logtail_tui.sources.file_reader import READ_CHUNK

__all__ = ["MAX_BATCH_LINES", "PipeReader", "StdinSource", "batches", "reattach_terminal"]

PIPE_HIGH_WATER = 16 << 20
"""Stop reading the pipe while this much is waiting for the consumer (backpressure)."""


def reattach_terminal() -> str:
    """Move piped standard input aside and put the terminal back on fd 0.

    Textual reads keys from fd 0, so with ``producer | logtail -`` the pipe must move to
    another descriptor first. Call this before the app starts.

    Returns:
        The target for the stdin spec: ``fd:N`` for the moved pipe, or ``-`` when fd 0
        already is a terminal (nothing to move).

    Raises:
        UsageError: when there is no terminal to read keys from.
    """
    if os.isatty(0):
        return "-"
    try:
        tty = os.open("/dev/tty", os.O_RDWR | os.O_CLOEXEC)
    except OSError:
        raise UsageError(
            "Cannot read keys from a terminal while input is piped; use --plain."
        ) from None
    moved = os.dup(0)  # non-inheritable, so commands we run do not hold the pipe open
    os.dup2(tty, 0)
    os.close(tty)
    return f"fd:{moved}"


class _PipeProtocol(asyncio.Protocol):
    """Collects chunks until the consumer takes them all at once."""

    def __init__(self) -> None:
        self.chunks: list[bytes] = []
        self.size = 0
        self.eof = False
        self.error: Exception | None = None
        self.ready = asyncio.Event()
        self.transport: asyncio.ReadTransport | None = None
        self.paused = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.ReadTransport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.chunks.append(data)
        self.size += len(data)
        self.ready.set()
        if self.size > PIPE_HIGH_WATER and not self.paused and self.transport is not None:
            self.transport.pause_reading()
            self.paused = True

    def eof_received(self) -> None:
        self.eof = True
        self.ready.set()

    def connection_lost(self, exc: Exception | None) -> None:
        self.error = exc
        self.eof = True
        self.ready.set()

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        self.size = 0
        if not self.eof:
            self.ready.clear()
        if self.paused and self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()
            self.paused = False
        return data


class PipeReader:
    """Reads one descriptor it owns (pipe, tty, socket or regular file) to its end.

    Args:
        fd: The descriptor; it is closed when reading ends or on `aclose`.
        settings: For the line length limit and parsing.
        label: The source's display name, for error sentences.
    """

    def __init__(self, fd: int, settings: Settings, label: str) -> None:
        self.fd = fd
        self.label = label
        self.decoder = LineDecoder(settings.max_line_length)
        self.parser = LineParser(settings.format, settings.field_map)
        self.bytes_read = 0
        self._transport: asyncio.ReadTransport | None = None
        self._closed = False

    async def events(self) -> AsyncIterator[Batch]:
        """Yield batches until end of input."""
        try:
            mode = os.fstat(self.fd).st_mode
            if stat.S_ISREG(mode) or (stat.S_ISCHR(mode) and not os.isatty(self.fd)):
                # Files and devices such as /dev/null cannot be watched with epoll: read
                # them with blocking reads in a thread instead.
                os.set_blocking(self.fd, True)
                gen = self._read_regular()
            else:
                gen = self._read_pipe()
            async for batch in gen:
                yield batch
            if rest := self.decoder.flush():
                yield self.parser.parse(rest)
        finally:
            self.close()

    async def _read_regular(self) -> AsyncIterator[Batch]:
        # ``logtail - < file`` : connect_read_pipe refuses regular files; read in chunks.
        while data := await asyncio.to_thread(os.read, self.fd, READ_CHUNK):
            self.bytes_read += len(data)
            for batch in batches(self.parser, self.decoder.decode(data)):
                yield batch
                await asyncio.sleep(0)

    async def _read_pipe(self) -> AsyncIterator[Batch]:
        loop = asyncio.get_running_loop()
        pipe = os.fdopen(self.fd, "rb", buffering=0, closefd=False)
        transport, proto = await loop.connect_read_pipe(_PipeProtocol, pipe)
        self._transport = transport
        while True:
            await proto.ready.wait()
            data = proto.take()
            if data:
                self.bytes_read += len(data)
                for batch in batches(self.parser, self.decoder.decode(data)):
                    yield batch
                    await asyncio.sleep(0)
            if proto.eof and not proto.chunks:
                break
        if isinstance(proto.error, OSError):
            raise SourceError(
                f"Reading {self.label} failed ({proto.error.strerror}); check what feeds it."
            )

    def close(self) -> None:
        """Stop reading and release the descriptor; safe to call twice."""
        if self._closed:
            return
        self._closed = True
        if self._transport is not None:
            self._transport.close()
        try:
            # The pipe's file description may be shared with our parent: leave it blocking.
            os.set_blocking(self.fd, True)
        except OSError:
            pass
        os.close(self.fd)


class StdinSource(Source):
    """Follows standard input (``-``) or an inherited descriptor (``fd:N``) until end of input."""

    description = "standard input ('-'), read until the pipe closes"

    def __init__(self, spec: SourceSpec, settings: Settings) -> None:
        super().__init__(spec, settings)
        self._reader: PipeReader | None = None

    def _source_fd(self) -> int:
        target = self.spec.target
        if target in ("-", ""):
            return 0
        if target.startswith("fd:") and target[3:].isdigit():
            return int(target[3:])
        raise SourceError(f"Unknown standard input target {target!r}; use '-' or 'fd:N'.")

    async def events(self) -> AsyncGenerator[SourceEvent]:
        try:
            # Our own descriptor: closing it never closes the process's fd 0.
            fd = os.dup(self._source_fd())
        except OSError:
            raise SourceNotFound(
                "Standard input is closed; pipe something into logtail or name a file."
            ) from None
        self._reader = PipeReader(fd, self.settings, "standard input")
        yield StateChanged(State.LIVE, "reading standard input")
        async for batch in self._reader.events():
            yield batch
        yield StateChanged(State.COMPLETED, "end of input")

    async def aclose(self) -> None:
        if self._reader is not None:
            self._reader.close()
