"""Running plain mode: the sources to the printer, and the exit status.

One local file read once (``--no-follow``) is read directly, without an event loop: importing
asyncio alone costs 30-40 ms of each start, the largest part of ``logtail --plain --no-follow
FILE | ...`` on small files. Everything else runs through the hub on an event loop. Both report
through a `Relay`, so errors, redaction and exit statuses are the same.
"""

from __future__ import annotations

import io
import os
import signal
import stat
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from logtail_tui.core.settings import Settings
from logtail_tui.plain.printer import PlainPrinter, silence_stdout
from logtail_tui.sources import registry
from logtail_tui.sources.contract import Source, SourceSpec
from logtail_tui.sources.file_reader import FileReader
from logtail_tui.sources.relay import Relay, Stopped


def run_plain(
    specs: Sequence[SourceSpec],
    settings: Settings,
    factory: Callable[[SourceSpec, Settings], Source] = registry.create,
    out: TextIO | None = None,
) -> int:
    """Follow ``specs`` printing to stdout; returns the exit status (0 ok, 1 a source failed)."""
    if out is None:
        widen_pipe(sys.stdout.fileno())
    stream = out or io.TextIOWrapper(
        open(sys.stdout.fileno(), "wb", closefd=False, buffering=1 << 16),  # noqa: SIM115 - lives as long as the run
        encoding="utf-8",
        errors="replace",
        newline="\n",
        write_through=False,
    )
    printer = PlainPrinter(specs, settings, stream, sys.stderr)
    try:
        direct = factory is registry.create and _read_directly(specs, settings, printer)
        relay = direct or _run_hub(specs, settings, factory, printer)
        stream.flush()
    except KeyboardInterrupt:
        _quiet_flush(stream)
        return 130
    except Stopped:
        if printer.broken:
            return 0
        _quiet_flush(stream)
        return 143
    except BrokenPipeError:
        silence_stdout()
        return 0
    return 1 if relay.failed else 0


PIPE_BYTES = 1 << 20
"""The most an unprivileged process may give a pipe on Linux (``/proc/sys/fs/pipe-max-size``)."""


def widen_pipe(fd: int) -> None:
    """Let a pipe on ``fd`` hold a block's output at once.

    Lines go out a file block (4 MiB read) at a time, a few hundred KiB of output each. A
    pipe's default 64 KiB made each such write wait on the reader in steps: over 1M lines to
    ``| cat``, about 0.1 s of a 0.3 s run. Linux only; any refusal (a quota) leaves it as is.
    """
    try:
        import fcntl

        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            return
        if fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ) < PIPE_BYTES:
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (ImportError, AttributeError, OSError):
        pass


def _read_directly(
    specs: Sequence[SourceSpec], settings: Settings, printer: PlainPrinter
) -> Relay | None:
    """Read one local file once (``--no-follow``) without an event loop, which costs 30-40 ms
    of each start; ``None`` when the hub must run: following, a time span, several sources,
    a pipe or a compressed file.

    Raises:
        Stopped: on SIGTERM, or when the reader of the output went away.
    """
    if len(specs) != 1 or specs[0].scheme != "file":
        return None
    spec = specs[0]
    own = spec.settings or settings
    if own.follow or own.since is not None or own.until is not None or own.merge_by_time:
        return None
    reader = FileReader(spec.target, own)
    relay = Relay(specs, settings, printer)
    try:
        handle = reader.open_once()
    except Exception as exc:  # reported as the hub reports the adapter's errors
        relay.emit(0, relay.failure(spec, exc))
        return relay
    if handle is None:
        return None
    printer.on_broken = relay.stop
    try:
        previous = signal.signal(signal.SIGTERM, lambda *_: relay.stop())
    except ValueError:  # not the main thread: SIGTERM is not ours to catch
        previous = None
    try:
        try:
            reader.seek_lines(handle, os.fstat(handle.fd).st_size, own.lines)
        except Exception as exc:  # a disk error before the first line: as the hub says it
            relay.emit(0, relay.failure(spec, exc))
        else:
            relay.drive(0, reader.read_to_end(handle))
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
        handle.close()
        printer.finish()
    return relay


def _run_hub(
    specs: Sequence[SourceSpec],
    settings: Settings,
    factory: Callable[[SourceSpec, Settings], Source],
    printer: PlainPrinter,
) -> Relay:
    """Run the sources on an event loop until they end.

    Raises:
        Stopped: on SIGTERM, or when the reader of the output went away.
    """
    import asyncio

    from logtail_tui.sources.hub import Hub
    from logtail_tui.sources.merge_gate import MergeGate

    gate = MergeGate(
        printer, len(specs), settings.merge_by_time, settings.reorder_window, settings.max_lines
    )
    hub = Hub(specs, settings, gate, factory)

    async def main() -> None:
        task = asyncio.ensure_future(hub.run())
        printer.on_broken = task.cancel
        loop = asyncio.get_running_loop()
        try:
            loop.add_signal_handler(signal.SIGTERM, task.cancel)
        except (NotImplementedError, RuntimeError):
            pass
        try:
            await task
        finally:
            gate.close()  # what the window still holds, even when stopped by a signal
            printer.finish()

    try:
        asyncio.run(main())
    except asyncio.CancelledError:
        raise Stopped from None
    return hub


def _quiet_flush(stream: TextIO) -> None:
    try:
        stream.flush()
    except (BrokenPipeError, OSError):
        silence_stdout()
