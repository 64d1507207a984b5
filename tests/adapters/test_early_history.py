"""A big file's history indexed from launch (sources/early_history.py): the same chunks as the
source's own steps make, taken over by the TUI's file source with every line once, in order,
and left alone (closed) when the file or the settings are not the ones it was begun for."""

from __future__ import annotations

import gzip
import os
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import until, until_blocking

from logtail_tui.core import native
from logtail_tui.core.file_backing import FileBacking
from logtail_tui.core.settings import Settings
from logtail_tui.sources import early_history
from logtail_tui.sources import history as history_module
from logtail_tui.sources.contract import SourceSpec
from logtail_tui.sources.file_index import Backlog, ChunkMaker
from logtail_tui.sources.history import History
from logtail_tui.ui.run import make_app

pytestmark = pytest.mark.skipif(not native.ENABLED, reason="begun only with the C helper")

BLOCK = 64 << 10


@pytest.fixture(autouse=True)
def small(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Blocks of 64 KiB and histories from 256 KiB, so a few MiB make many blocks."""
    monkeypatch.setattr(history_module, "BLOCK", BLOCK)
    monkeypatch.setattr(early_history, "WORTH_BYTES", 256 << 10)
    yield
    early_history.abandon()


def write_log(path: Path, lines: int, start: int = 0, mode: str = "w") -> list[str]:
    levels = ("INFO", "DEBUG", "WARN", "ERROR")
    text = [
        f"2026-12-01T10:00:00.000Z {levels[i % 4]} [w] job {i} done"
        for i in range(start, start + lines)
    ]
    with open(path, mode) as f:
        f.write("\n".join(text) + "\n")
    return text


def spec_for(path: Path) -> SourceSpec:
    return SourceSpec(str(path), "file", str(path), str(path))


def history_of(path: Path, end: int | None = None) -> History:
    """The history of ``path`` before offset ``end`` (a line start; the file's end by
    default), as the source makes it."""
    fd = os.open(path, os.O_RDONLY)
    end = os.fstat(fd).st_size if end is None else end
    history = History(Backlog(FileBacking(fd), 0, end, None, end), ChunkMaker(Settings()))
    os.close(fd)
    return history


def stepped(path: Path, ahead: bool) -> list[tuple[int, int, bytes, int]]:
    """``(offset, length, levels, lines)`` of each history chunk before the last 100 bytes."""
    import asyncio

    data = path.read_bytes()
    history = history_of(path, data.index(b"\n", len(data) - 100) + 1)
    if ahead:
        history.run_ahead()
    chunks = []

    async def drain() -> None:
        while not history.done:
            chunks.extend(await history.step())

    asyncio.run(drain())
    return [(c.offset, c.length, bytes(c.levels), len(c)) for c in chunks]


def test_running_ahead_makes_the_chunks_the_steps_would(tmp_path: Path) -> None:
    path = tmp_path / "a.log"
    write_log(path, 60_000)
    alone = stepped(path, ahead=False)
    assert len(alone) > 20
    assert stepped(path, ahead=True) == alone


def test_a_closed_history_stops_its_thread(tmp_path: Path) -> None:
    path = tmp_path / "a.log"
    write_log(path, 200_000)
    history = history_of(path)
    ended = threading.Event()
    made = 0
    one_block = history._one_block

    def counted() -> object:
        nonlocal made
        made += 1
        if made == 3:
            history.close()  # as the source does when it stops
        return one_block()

    history._one_block = counted  # type: ignore[method-assign]
    history.run_ahead(ended.set)
    assert ended.wait(10)
    assert made == 3 and history.log.hi > 0  # stopped after the block under way


def test_quick_switches_end_with_the_last_thread_that_asked() -> None:
    """Histories begun in turn overlap (one abandoned while its thread still runs): the
    usual switch interval is back once every thread has stopped, whatever their order."""
    until_blocking(lambda: early_history._quick == 0)  # earlier tests' threads have ended
    usual = sys.getswitchinterval()
    assert usual != early_history.SWITCH_INTERVAL
    first_done = early_history._quick_switches()
    second_done = early_history._quick_switches()
    assert sys.getswitchinterval() == early_history.SWITCH_INTERVAL
    first_done()
    assert sys.getswitchinterval() == early_history.SWITCH_INTERVAL
    second_done()
    assert sys.getswitchinterval() == usual
    first_done()  # again: nothing more
    assert sys.getswitchinterval() == usual and early_history._quick == 0


async def test_the_tui_takes_over_the_history_and_reads_on_from_where_it_began(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.log"
    text = write_log(path, 100_000)
    claimed = []
    claim = early_history.claim
    monkeypatch.setattr(early_history, "claim", lambda *a: claimed.append(claim(*a)) or claimed[-1])
    settings = Settings(lines=None)
    early_history.begin([spec_for(path)], settings)
    early = early_history._waiting
    assert early is not None and 0 < early.tail < path.stat().st_size
    text += write_log(path, 3000, start=100_000, mode="a")  # grown before the TUI is up
    app = make_app([spec_for(path)], settings)
    async with app.run_test(size=(120, 30)):
        await until(lambda: app.store.received == len(text), timeout=30)
        assert claimed == [early]
        await until(lambda: early.history.done)
        store = app.store
        got = [store.text(n) for n in range(store.first, store.end)]
        assert got == text


async def test_a_file_named_relative_to_the_working_directory_is_claimed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``logtail big.log``: the source knows the file by its absolute path."""
    monkeypatch.chdir(tmp_path)
    text = write_log(tmp_path / "big.log", 60_000)
    claimed = []
    claim = early_history.claim
    monkeypatch.setattr(
        early_history, "claim", lambda *a: claimed.append(claim(*a)) or claimed[-1]
    )
    spec = SourceSpec("big.log", "file", "big.log", "big.log")
    early_history.begin([spec], Settings(lines=None))
    early = early_history._waiting
    assert early is not None
    app = make_app([spec], Settings(lines=None))
    async with app.run_test(size=(120, 30)):
        await until(lambda: app.store.received == len(text), timeout=30)
        assert claimed == [early]
        store = app.store
        assert [store.text(n) for n in range(store.first, store.end)] == text


@pytest.mark.parametrize("change", ["replaced", "settings", "truncated"])
async def test_a_history_begun_for_another_file_or_settings_is_closed(
    tmp_path: Path, change: str
) -> None:
    path = tmp_path / "big.log"
    text = write_log(path, 50_000)
    early_history.begin([spec_for(path)], Settings(lines=None))
    early = early_history._waiting
    assert early is not None
    settings = Settings(lines=None)
    if change == "replaced":
        text = write_log(tmp_path / "new.log", 60_000, start=7)  # longer: only the inode tells
        os.replace(tmp_path / "new.log", path)
    elif change == "settings":
        settings = Settings(lines=None, format="text")
    else:
        text = write_log(path, 10_000, start=3)
    app = make_app([spec_for(path)], settings)
    async with app.run_test(size=(120, 30)):
        await until(lambda: app.store.received == len(text), timeout=30)
        await until(lambda: early.history.done)
        store = app.store
        assert [store.text(n) for n in range(store.first, store.end)] == text
    assert early_history._waiting is None


@pytest.mark.parametrize(
    "case",
    [
        "whole file",
        *("small", "plain", "few lines", "two files", "compressed", "since", "missing", "off"),
    ],
)
def test_a_history_is_begun_only_where_the_source_would_index_it_backwards(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.log"
    write_log(path, 1000 if case == "small" else 20_000)
    specs = [spec_for(path)]
    settings = Settings(lines=None)
    if case == "plain":
        settings = Settings(lines=None, plain=True)
    elif case == "few lines":
        settings = Settings(lines=5000)
    elif case == "two files":
        specs = [spec_for(path), spec_for(path)]
    elif case == "compressed":
        path.write_bytes(gzip.compress(path.read_bytes()))
    elif case == "since":
        settings = Settings(lines=None, since=1.0)
    elif case == "missing":
        path.unlink()
    elif case == "off":
        monkeypatch.setenv("LOGTAIL_EARLY_HISTORY", "0")
    early_history.begin(specs, settings)
    assert (early_history._waiting is not None) == (case == "whole file")


async def test_an_error_in_the_thread_reaches_the_source_after_what_was_made(
    tmp_path: Path,
) -> None:
    """A read that fails in the thread is raised by the step after the chunks made before
    it (as a step's own read would raise it), never printed by the thread."""
    path = tmp_path / "a.log"
    write_log(path, 60_000)
    history = history_of(path)
    one_block = history._one_block
    made = 0

    def failing() -> object:
        nonlocal made
        made += 1
        if made == 3:
            raise OSError(5, "Input/output error")
        return one_block()

    history._one_block = failing  # type: ignore[method-assign]
    history.run_ahead()
    chunks = []
    with pytest.raises(OSError, match="Input/output"):
        while not history.done:
            chunks.extend(await history.step())
    assert len(chunks) == 2
