"""The file adapter against real files: appends, rotation, truncation, deletion, errors."""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
import os
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import until

from logtail_tui.core.chunks import FileChunk
from logtail_tui.core.errors import SourceError
from logtail_tui.core.record import Batch, Level
from logtail_tui.core.settings import Settings
from logtail_tui.sources import file as file_module
from logtail_tui.sources.contract import SourceSpec, State, StateChanged
from logtail_tui.sources.file import FileSource
from logtail_tui.sources.file_index import BLOCK, TAIL_LINES, tail_offset
from logtail_tui.sources.file_reader import access_error
from logtail_tui.sources.stdin import MAX_BATCH_LINES


@pytest.fixture(params=["inotify", "watchfiles"])
def backend(request: pytest.FixtureRequest) -> str:
    """Both directory-watch backends: inotify in the loop, and watchfiles' thread."""
    return request.param


class Tail:
    """Runs a FileSource in a task and records what it yields."""

    def __init__(self, path: Path | str, backend: str = "inotify", **settings: Any) -> None:
        text = str(path)
        self.source = FileSource(SourceSpec(text, "file", text, text), Settings(**settings))
        self.source.use_inotify = backend == "inotify"
        self.backend = backend
        self.lines: list[str] = []
        self.batches: list[int] = []
        self.chunks: list[FileChunk] = []
        self.states: list[StateChanged] = []
        self.error: SourceError | None = None
        self.task: asyncio.Task[None] | None = None
        self.on_state: Callable[[StateChanged], object] | None = None

    async def __aenter__(self) -> Tail:
        self.task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.task is not None
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.source.aclose()

    async def _run(self) -> None:
        try:
            async for event in self.source.events():
                if isinstance(event, Batch):
                    assert len(event) > 0, "empty batch"
                    self.batches.append(len(event))
                    self.lines.extend(event.texts)
                elif isinstance(event, FileChunk):
                    assert len(event) > 0, "empty chunk"
                    self.chunks.append(event)
                    texts = [event.record(i).text for i in range(event.n)]
                    if event.history:  # read backwards: goes before everything so far
                        self.lines[:0] = texts
                    else:
                        self.lines.extend(texts)
                elif isinstance(event, StateChanged):
                    self.states.append(event)
                    if self.on_state is not None:
                        self.on_state(event)
        except SourceError as exc:
            self.error = exc

    @property
    def state(self) -> State | None:
        return self.states[-1].state if self.states else None

    async def until(self, cond: Callable[[], bool], timeout: float = 5.0) -> None:
        """Until ``cond`` holds; fails at once if the source ended first."""
        assert self.task is not None
        task = self.task
        await until(
            cond,
            timeout,
            abort=lambda: task.done() and f"source ended early: error={self.error} states={self.states}",
            describe=lambda: f"{len(self.lines)} lines, last={self.lines[-3:]}, states={self.states}",
        )

    async def live(self) -> None:
        await self.until(lambda: self.state is State.LIVE)

    async def watching(self) -> None:
        """Until the directory watch runs with the backend asked for."""
        await self.until(
            lambda: (
                self.source._dirwatch is not None and self.source._dirwatch.backend == self.backend
            )
        )

    async def has(self, n: int, timeout: float = 5.0) -> None:
        await self.until(lambda: len(self.lines) >= n, timeout)

    async def done(self, timeout: float = 10) -> None:
        assert self.task is not None
        await asyncio.wait_for(asyncio.shield(self.task), timeout)


def lines(prefix: str, n: int, start: int = 0) -> list[str]:
    return [f"{prefix} {i:06d}" for i in range(start, start + n)]


def append(path: Path, rows: list[str]) -> None:
    with open(path, "a") as f:
        f.write("".join(r + "\n" for r in rows))


async def test_history_then_every_append_in_order(tmp_path: Path, backend: str) -> None:
    path = tmp_path / "app.log"
    append(path, lines("old", 1500))
    async with Tail(path, backend) as t:
        await t.watching()
        await t.live()
        assert t.lines == lines("old", 1000, 500)  # default: the last 1000 lines
        assert t.states[-1].detail == "following"
        expected = list(t.lines)
        for k in range(50):
            chunk = lines(f"new{k}", 100)
            append(path, chunk)
            expected += chunk
        await t.has(len(expected))
        assert t.lines == expected


async def test_partial_line_is_joined_when_finished(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_text("first\n")
    async with Tail(path) as t:
        await t.has(1)
        with open(path, "a") as f:
            f.write("half ")
            f.flush()
            f.write("and half\n")
        await t.has(2)
        assert t.lines == ["first", "half and half"]


async def test_rotating_file_handler_under_load_loses_nothing(tmp_path: Path, backend: str) -> None:
    path = tmp_path / "app.log"
    path.write_text("")
    logger = logging.getLogger(f"rotating-{id(tmp_path)}")
    logger.propagate = False
    logger.setLevel(logging.INFO)
    # Small files so the writer rotates ~60 times; every backup kept so nothing is deleted.
    handler = logging.handlers.RotatingFileHandler(path, maxBytes=4_096, backupCount=500)
    logger.addHandler(handler)
    n = 20_000
    async with Tail(path, backend) as t:
        await t.watching()
        await t.live()

        def write() -> None:
            for i in range(n):
                logger.info("record %06d", i)

        try:
            await asyncio.to_thread(write)
        finally:
            handler.close()
            logger.removeHandler(handler)
        await t.has(n, timeout=15)
        await asyncio.sleep(0)
        assert t.lines == [f"record {i:06d}" for i in range(n)]
        assert len(list(tmp_path.glob("app.log.*"))) > 30  # it really rotated
        assert all(s.state is State.LIVE for s in t.states)  # no "removed" flicker


async def test_several_rotations_between_two_looks_are_all_read(tmp_path: Path) -> None:
    # Synchronous renames in the test coroutine: the source cannot run in between, so it
    # wakes to find two generations gone at once; they are found by number and read.
    path = tmp_path / "app.log"
    append(path, lines("gen0", 3))
    async with Tail(path) as t:
        await t.live()
        append(path, lines("gen0-late", 2))
        os.rename(path, tmp_path / "app.log.1")
        append(path, lines("gen1", 3))
        os.rename(tmp_path / "app.log.1", tmp_path / "app.log.2")
        os.rename(path, tmp_path / "app.log.1")
        append(path, lines("gen2", 3))
        await t.has(11)
        assert t.lines == (
            lines("gen0", 3) + lines("gen0-late", 2) + lines("gen1", 3) + lines("gen2", 3)
        )


async def test_rename_and_create_drains_the_old_file_first(tmp_path: Path, backend: str) -> None:
    path = tmp_path / "app.log"
    append(path, lines("a", 10))
    async with Tail(path, backend) as t:
        await t.watching()
        await t.has(10)
        append(path, lines("a-late", 5))  # written just before the rename: only in the old file
        os.rename(path, tmp_path / "app.log.old")
        append(path, lines("b", 10))
        await t.has(25)
        assert t.lines == lines("a", 10) + lines("a-late", 5) + lines("b", 10)


async def test_truncate_reads_again_from_the_start(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    append(path, lines("before", 100))
    async with Tail(path) as t:
        await t.has(100)
        os.truncate(path, 0)
        append(path, lines("after", 5))  # shorter than what was read, so the shrink is visible
        await t.has(105)
        assert t.lines == lines("before", 100) + lines("after", 5)


async def test_copytruncate_keeps_what_tail_f_guarantees(tmp_path: Path) -> None:
    # tail -F sees copytruncate only as "the file got smaller". Lines written between our
    # last read and the truncation live only in the copy: tail -F may or may not have read
    # them, so we assert just that they come at most once, whole, in place; everything
    # before and after arrives exactly once in order.
    path = tmp_path / "app.log"
    append(path, lines("before", 200))
    async with Tail(path) as t:
        await t.has(200)
        append(path, lines("between", 10))
        shutil.copyfile(path, tmp_path / "app.log.1")
        os.truncate(path, 0)
        append(path, lines("after", 20))
        await t.until(lambda: t.lines[-1:] == ["after 000019"])
        assert t.lines in (
            lines("before", 200) + lines("after", 20),
            lines("before", 200) + lines("between", 10) + lines("after", 20),
        )
        assert (tmp_path / "app.log.1").read_text().count("\n") == 210


async def test_delete_then_recreate(tmp_path: Path, backend: str) -> None:
    path = tmp_path / "app.log"
    append(path, lines("one", 3))
    async with Tail(path, backend) as t:
        await t.watching()
        await t.has(3)
        path.unlink()
        await t.until(lambda: t.state is State.WAITING)
        assert t.states[-1].detail == "file was removed; waiting for it to come back"
        append(path, lines("two", 3))
        await t.has(6)
        await t.live()
        assert t.lines == lines("one", 3) + lines("two", 3)


async def test_deleted_file_still_written_through_an_open_descriptor(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    writer = open(path, "a")  # noqa: SIM115 - the writer outlives the name on purpose
    try:
        writer.write("kept\n")
        writer.flush()
        async with Tail(path) as t:
            await t.has(1)
            path.unlink()
            await t.until(lambda: t.state is State.WAITING)
            writer.write("after unlink\n")
            writer.flush()
            await t.has(2)  # the safety poll keeps draining the old descriptor
            assert t.lines == ["kept", "after unlink"]
    finally:
        writer.close()


async def test_missing_file_waits_then_follows(tmp_path: Path, backend: str) -> None:
    path = tmp_path / "later.log"
    async with Tail(path, backend) as t:
        await t.watching()
        await t.until(lambda: t.state is State.WAITING)
        assert t.states[-1].detail == f"waiting for {path} to appear"
        append(path, lines("hello", 3))
        await t.has(3)
        await t.live()
        assert t.lines == lines("hello", 3)


async def test_missing_directory_waits_then_follows(tmp_path: Path) -> None:
    path = tmp_path / "not-yet" / "app.log"
    async with Tail(path) as t:
        await t.until(lambda: t.state is State.WAITING)
        path.parent.mkdir()
        append(path, lines("x", 2))
        await t.has(2)
        assert t.lines == lines("x", 2)


async def test_last_ten_lines_of_a_big_file_read_only_the_end(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    row = "x" * 90
    with open(path, "w") as f:
        for block in range(500):  # 500k lines of 100 bytes: 50 MB
            f.write("".join(f"{block * 1000 + i:08d} {row}\n" for i in range(1000)))
    size = path.stat().st_size
    async with Tail(path, lines=10, follow=False) as t:
        await t.done()
    assert t.lines == [f"{i:08d} {row}" for i in range(499_990, 500_000)]
    assert t.source.bytes_read < 200_000 < size  # one backwards block and the tail itself


def test_tail_offset_counts_lines_not_bytes(tmp_path: Path) -> None:
    path = tmp_path / "t.log"
    path.write_bytes(b"a\nbb\nccc\n")
    fd = os.open(path, os.O_RDONLY)
    try:
        assert tail_offset(fd, 9, 2) == (2, 9)
        assert tail_offset(fd, 9, 3)[0] == 0
        assert tail_offset(fd, 9, 50)[0] == 0
        assert tail_offset(fd, 9, 0)[0] == 9
        assert tail_offset(fd, 9, None)[0] == 0
        assert tail_offset(fd, 8, 1)[0] == 5  # no final newline: "ccc" is the last line
    finally:
        os.close(fd)


async def test_all_lines_last_screen_first_then_history_in_bounded_chunks(tmp_path: Path) -> None:
    path = tmp_path / "all.log"
    expected = [f"l{i}" for i in range(1_000_000)]
    path.write_text("\n".join(expected))  # no final newline: the last line still arrives
    async with Tail(path, lines=None, follow=False) as t:
        # A guard, not a timing: turning a million lines back into records here takes
        # ~14 s on the shared machine (the source itself indexes them in well under one).
        await t.done(timeout=90)
    assert t.lines == expected
    assert max(t.batches) <= MAX_BATCH_LINES
    # The last screen came first as ordinary lines; the rest as history chunks read
    # backwards, each a bounded block kept on disk (no bytes held in memory).
    assert sum(t.batches) <= TAIL_LINES + 1
    assert len(t.chunks) >= 2 and all(c.history for c in t.chunks)
    assert all(c.blob is None and c.length <= BLOCK for c in t.chunks)


async def test_plain_mode_reads_history_forwards_in_bulk(tmp_path: Path) -> None:
    path = tmp_path / "all.log"
    expected = [f"2026-12-01 10:00:00 {'ERROR' if i % 3 else 'INFO'} l{i}" for i in range(300_000)]
    path.write_text("\n".join(expected) + "\npartial")
    async with Tail(path, lines=None, follow=False, plain=True) as t:
        await t.done()
    assert t.lines == [*expected, "partial"]
    assert t.chunks and not any(c.history for c in t.chunks)
    assert all(c.plain_text for c in t.chunks)
    levels = b"".join(bytes(c.levels) for c in t.chunks)
    assert levels[:3] == bytes([Level.INFO, Level.ERROR, Level.ERROR])


async def test_n_lines_in_bulk_keeps_exactly_n(tmp_path: Path) -> None:
    path = tmp_path / "n.log"
    expected = [f"line {i}" for i in range(400_000)]
    path.write_text("\n".join(expected) + "\n")
    async with Tail(path, lines=123_456, follow=False) as t:
        await t.done()
    assert t.lines == expected[-123_456:]


async def test_no_follow_ends_without_going_live(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    append(path, lines("a", 5))
    async with Tail(path, follow=False) as t:
        await t.done()
    assert t.lines == lines("a", 5)
    assert t.error is None
    assert not any(s.state is State.LIVE for s in t.states)


async def test_missing_file_without_follow_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.log"
    async with Tail(path, follow=False) as t:
        await t.done()
    assert str(t.error) == f"No such file: {path}; check the path."


async def test_directory_is_an_error(tmp_path: Path) -> None:
    async with Tail(tmp_path) as t:
        await t.done()
    assert str(t.error) == f"{tmp_path} is a directory; give a log file inside it."


def test_permission_denied_is_one_sentence(tmp_path: Path) -> None:
    # Tests run as root, which reads a mode-000 file anyway. setpriv drops the two
    # capabilities that let root bypass file permissions, so the child meets a real
    # EACCES from open(2) and reports it through the hub as a user would see it.
    path = tmp_path / "secret.log"
    path.write_text("hidden\n")
    path.chmod(0)
    script = textwrap.dedent(
        f"""
        import asyncio
        from logtail_tui.core.settings import Settings
        from logtail_tui.sources.hub import Hub
        from logtail_tui.sources.registry import resolve

        async def main():
            settings = Settings()
            hub = Hub([resolve({str(path)!r}, settings)], settings, lambda i, e: None)
            await hub.run()
            print(hub.states[0].state.value, "|", hub.states[0].detail)

        asyncio.run(main())
        """
    )
    drop = "-dac_override,-dac_read_search"
    out = subprocess.run(
        ["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}", sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        f"failed | Permission denied reading {path}; check its permissions or run as a user "
        "who can read it."
    )


def test_error_mapping_of_os_errors() -> None:
    import errno

    assert "is a directory" in str(access_error(OSError(errno.EISDIR, "Is a directory"), "d"))
    assert str(access_error(OSError(errno.EIO, "Input/output error"), "f")) == (
        "Cannot read f (Input/output error); check the path."
    )


async def test_a_pipe_named_by_path_is_read_to_its_end(tmp_path: Path) -> None:
    # What `logtail <(command)` passes: /dev/fd/N of a pipe.
    r, w = os.pipe()
    try:
        async with Tail(f"/proc/self/fd/{r}") as t:
            os.write(w, b"one\ntwo\nthree")
            os.close(w)
            w = -1
            await t.done()
        assert t.lines == ["one", "two", "three"]
        assert t.error is None
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


async def test_aclose_stops_the_watcher(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    append(path, lines("a", 1))
    t = Tail(path)
    async with t:
        await t.live()
        await t.until(lambda: t.source._watcher is not None)
        watcher = t.source._watcher
    assert watcher is not None and watcher.done()
    assert t.source._cur is None
    await t.source.aclose()  # safe to call twice


async def test_lines_written_before_the_watch_exists_do_not_wait_for_the_poll(
    tmp_path: Path, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(file_module, "SAFETY_POLL", 60.0)  # only the watcher can wake us
    path = tmp_path / "app.log"
    append(path, lines("a", 1))
    t = Tail(path, backend)
    # Called while the source is paused at its LIVE event, before it starts the watch.
    t.on_state = lambda s: append(path, lines("b", 1)) if s.state is State.LIVE else None
    async with t:
        await t.has(2)
        assert t.lines == ["a 000000", "b 000000"]


async def test_a_file_that_grows_while_its_history_is_indexed(tmp_path: Path) -> None:
    path = tmp_path / "grow.log"
    history = lines("old", 600_000)
    append(path, history)
    appended = lines("new", 3000)
    progress: list[float] = []

    def grow(state: StateChanged) -> None:
        # Called between two events: the first progress report comes with history still
        # to index, so these appends land while indexing goes on.
        if state.progress is not None and state.progress < 1 and not progress:
            progress.append(state.progress)
            for k in range(0, 3000, 500):
                append(path, appended[k : k + 500])

    async with Tail(path, lines=None) as t:
        t.on_state = grow
        await t.until(lambda: len(t.lines) == 603_000, timeout=30)
        assert progress and t.lines == history + appended


async def test_a_file_truncated_while_its_history_is_indexed(tmp_path: Path) -> None:
    path = tmp_path / "trunc.log"
    append(path, lines("old", 600_000))
    async with Tail(path, lines=None) as t:
        await t.until(lambda: t.chunks != [])
        with open(path, "w") as f:  # copytruncate: same inode, emptied
            f.write("fresh 1\n")
        await t.until(lambda: bool(t.lines) and t.lines[-1] == "fresh 1", timeout=10)
        await t.until(lambda: t.source._backlog is None, timeout=10)
        assert t.state is State.LIVE


async def test_files_over_4_gib_are_read_in_bulk_by_offset(tmp_path: Path) -> None:
    path = tmp_path / "huge.log"
    rows = lines("far", 200_000)
    with open(path, "wb") as f:
        f.seek((4 << 30) + 12345)  # sparse: no disk is used for the hole
        f.write(b"\n" + "\n".join(rows).encode() + b"\n")
    async with Tail(path, lines=150_000, follow=False) as t:
        await t.done()
    assert t.lines == rows[-150_000:]
    assert all(c.offset > 1 << 32 for c in t.chunks)
