"""The plain printer: formats batches and chunks and writes them (see `logtail_tui.plain`)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, TextIO

from logtail_tui.core.chunks import Chunk, FileChunk
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.native import pick_lines
from logtail_tui.core.record import Batch, Level, effective
from logtail_tui.core.scan import keep_in_chunk, keep_of, select_in_chunk
from logtail_tui.core.settings import Settings
from logtail_tui.core.times import format_time
from logtail_tui.sources.contract import SourceEvent, SourceSpec, State, StateChanged

if TYPE_CHECKING:
    from asyncio import AbstractEventLoop

    from logtail_tui.core.record_gate import RecordGate, Rows

_COLOR = {
    Level.TRACE: "\x1b[2m",
    Level.DEBUG: "\x1b[2m",
    Level.NOTICE: "\x1b[32m",
    Level.WARNING: "\x1b[33m",
    Level.ERROR: "\x1b[31m",
    Level.CRITICAL: "\x1b[1;37;41m",
}
_RESET = "\x1b[0m"
FLUSH_DELAY = 0.05
"""Seconds a large batch may wait in the output buffer for the next one."""
RECORD_IDLE = 0.2
"""Seconds a filtered record is held for more of its lines before it is decided."""
_RELEASE = object()


class PlainPrinter:
    """Formats batches and writes them in one call each (speed: >= 1M lines/s to /dev/null)."""

    def __init__(
        self, specs: Sequence[SourceSpec], settings: Settings, out: TextIO, err: TextIO
    ) -> None:
        self.specs = specs
        self.out = out
        self.err = err
        self.color = settings.color
        self.filter = LineFilter.from_settings(settings)
        self.several = len(specs) > 1
        self.tags = [f"[{spec.label}] " for spec in specs]
        self.utc = settings.utc
        self.gate: RecordGate | None = None
        """Include, exclude and where filters keep or drop whole records (docs/architecture.md,
        "Records"); levels agree within a record, so they need no gate."""
        if self.filter.include or self.filter.exclude or self.filter.where is not None:
            # Imported only then: most runs filter by level alone, and it costs each start.
            from logtail_tui.core.record_gate import RecordGate

            self.gate = RecordGate(self.filter)
        self._held = 0
        self._last_index = 0
        self.merging = settings.merge_by_time
        """Merged lines come in many short runs: flush once a tick, not once a run."""

    def batch(self, index: int, batch: Batch) -> None:
        if self.gate is not None:
            self._print(index, self.gate.feed(index, batch, batch.starts))
            return
        rows: Sequence[int] = range(len(batch))
        if self.filter.active:
            matches, texts, levels = self.filter.matches, batch.texts, batch.levels
            raws, times = batch.raws, batch.times
            rows = [
                i
                for i in rows
                if matches(
                    texts[i],
                    levels[i],
                    0,
                    raws[i] if raws is not None else None,
                    times[i] if times is not None else None,
                )
            ]
        self._batch_rows(index, batch, rows)

    def _print(self, index: int, rows: Rows) -> None:
        for unit, picked in rows:
            if isinstance(unit, Batch):
                self._batch_rows(index, unit, picked)
            else:
                self._chunk_rows(index, unit, picked)
        if self.gate is not None and self.gate.pending:
            self._release_soon()

    def _release_soon(self) -> None:
        """Print the held record after a short idle unless the next record ends it first."""
        self._held += 1
        if (loop := _running_loop()) is None:  # no loop (a direct run, tests): `finish` releases it
            return
        loop.call_later(RECORD_IDLE, self._release_if_idle, self._held)

    def _release_if_idle(self, held: int) -> None:
        if held == self._held:
            self(self._last_index, _RELEASE)

    def finish(self) -> None:
        """Print what is held back (the end of the run)."""
        if self.gate is not None:
            self._print(self._last_index, self.gate.release())

    def _batch_rows(self, index: int, batch: Batch, rows: Sequence[int]) -> None:
        texts, levels, times, raws = batch.texts, batch.levels, batch.times, batch.raws
        if times is None and raws is None and not self.several and not self.color:
            # Fast path: text lines from one source print exactly as read.
            chunk = texts if rows == range(len(texts)) else [texts[i] for i in rows]
            if chunk:
                self.out.write("\n".join(chunk))
                self.out.write("\n")
            return
        prefix = f"[{self.specs[index].label}] " if self.several else ""
        mixed = getattr(batch, "sources", None) if self.several else None  # merged by time
        lines = []
        for i in rows:
            if mixed is not None:
                prefix = self.tags[mixed[i]]
            line = texts[i]
            time = times[i] if times is not None else None
            if time is not None:
                label = Level(levels[i]).label or "-"
                line = f"{prefix}{format_time(time, self.utc)} {label:<5} {line}"
            elif levels[i] and raws is not None and raws[i] is not None:
                # A structured record's level is not in its message: show the word.
                line = f"{prefix}{Level(levels[i]).label:<5} {line}"
            elif prefix:
                line = prefix + line
            if self.color and (code := _COLOR.get(effective(levels[i]))):
                line = f"{code}{line}{_RESET}"
            lines.append(line)
        if lines:
            self.out.write("\n".join(lines))
            self.out.write("\n")

    def chunk(self, index: int, chunk: Chunk) -> None:
        """Lines read in bulk: clean text ones go out as bytes, filtered in C; others as a batch."""
        if self.gate is not None:
            self._print(index, self.gate.feed(index, chunk, chunk.starts))
            return
        if not self._as_bytes(chunk):
            rows = select_in_chunk(self.filter, chunk, 0, chunk.n) if self.filter.active else None
            self._as_batch(index, chunk, rows)
            return
        keep = keep_in_chunk(self.filter, chunk) if self.filter.active else None
        self._write_lines(chunk, keep)

    def _as_bytes(self, chunk: Chunk) -> bool:
        """Whether ``chunk``'s lines print exactly as read (clean text from one source)."""
        return (
            isinstance(chunk, FileChunk)
            and chunk.plain_text
            and not self.several
            and not self.color
        )

    def _chunk_rows(self, index: int, chunk: Chunk, rows: Sequence[int] | None) -> None:
        """Print ``rows`` of ``chunk`` (``None``: all of them)."""
        if rows is not None and len(rows) == chunk.n:
            rows = None
        if not self._as_bytes(chunk):
            self._as_batch(index, chunk, rows)
        elif rows is None or rows:
            self._write_lines(chunk, None if rows is None else keep_of(rows, chunk.n))

    def _write_lines(self, chunk: Chunk, keep: bytes | bytearray | None) -> None:
        """Write the lines of a clean file chunk whose ``keep`` byte is 1 (``None``: all)."""
        assert isinstance(chunk, FileChunk)
        if keep is not None and 1 not in keep:
            return
        held = chunk.held()
        if held is None:
            raw = chunk.raw_bytes()
            held = (raw, 0, len(raw))
        data, start, stop = held  # no copy of a block read in plain mode
        if keep is None:
            self._write_bytes(memoryview(data)[start:stop])
            self._write_bytes(b"\n")
        else:
            self._write_bytes(pick_lines(data, start, stop, keep))

    def _as_batch(self, index: int, chunk: Chunk, rows: Sequence[int] | None = None) -> None:
        records = [chunk.record(i) for i in (range(chunk.n) if rows is None else rows)]
        if not records:
            return
        batch = Batch(
            [r.text for r in records],
            [r.level for r in records],
            [r.time for r in records] if any(r.time for r in records) else None,
            [r.raw for r in records] if any(r.raw for r in records) else None,
        )
        self._batch_rows(index, batch, range(len(batch)))

    def _write_bytes(self, data: bytes | memoryview) -> None:
        buffer = getattr(self.out, "buffer", None)
        if buffer is None:
            self.out.write(str(data, "ascii"))
            return
        self.out.flush()  # keep order with text written before
        buffer.write(data)

    def state(self, index: int, event: StateChanged) -> None:
        label = self.specs[index].label
        if event.state is State.FAILED:
            # Adapters' sentences usually name the source already; don't say it twice.
            said = event.detail if label in event.detail else f"{label}: {event.detail}"
            self.err.write(f"logtail: {said}\n")
        elif event.state is State.RETRYING:
            why = f" after {event.detail}" if event.detail else ""
            wait = f" in {event.retry_in:.1f} s" if event.retry_in is not None else ""
            self.err.write(f"logtail: {label}: reconnecting{wait} (attempt {event.attempt}){why}\n")
        elif (event.state is State.WAITING or event.mark) and event.detail:
            self.err.write(f"logtail: {label}: {event.detail}\n")
        self.err.flush()

    broken = False
    on_broken: Callable[[], object] | None = None

    def __call__(self, index: int, event: SourceEvent) -> None:
        try:
            self._handle(index, event)
        except BrokenPipeError:
            # `logtail ... | head`: the reader went away; stop quietly, it is not an error.
            self.broken = True
            silence_stdout()
            if self.on_broken is not None:
                self.on_broken()

    _flush_due = False

    def _flush_soon(self) -> None:
        """Flush shortly unless a later batch does: the tail of a burst that ends with
        a large batch must not wait in the buffer until the next line arrives."""
        if self._flush_due:
            return
        if (loop := _running_loop()) is None:  # a direct run, tests: nothing to wait for
            self.out.flush()
            return
        self._flush_due = True
        loop.call_later(FLUSH_DELAY, self._late_flush)

    def _late_flush(self) -> None:
        self._flush_due = False
        try:
            self.out.flush()
        except BrokenPipeError:
            self.broken = True
            silence_stdout()
            if self.on_broken is not None:
                self.on_broken()
        except (OSError, ValueError):  # closed at exit
            pass

    def _handle(self, index: int, event: SourceEvent | object) -> None:
        if event is _RELEASE:  # the held record waited long enough
            self.finish()
            self.out.flush()
            return
        if isinstance(event, Batch | Chunk):
            self._last_index = index
            if isinstance(event, Batch):
                self.batch(index, event)
            else:
                self.chunk(index, event)
            if self.out.isatty() or (len(event) < 4096 and not self.merging):
                self.out.flush()  # followers expect a line the moment it is written
            else:
                self._flush_soon()  # during a flood, once a tick rather than per batch
        elif isinstance(event, StateChanged):
            if event.state in (State.COMPLETED, State.FAILED):
                self.finish()  # no more lines will end the held record
            self.out.flush()
            self.state(index, event)


def _running_loop() -> AbstractEventLoop | None:
    """The running event loop, if any. A run that never imported asyncio has none, and
    importing it here would cost a direct run the 30-40 ms it avoids."""
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return None
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
