"""History indexed with a worker process (sources/history.py, sources/index_pool.py): the same
chunks, levels and record starts as the source's thread alone finds, through a deleted file
too, and no worker left behind."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from support import until

from logtail_tui.core.chunks import FileChunk
from logtail_tui.core.file_backing import FileBacking
from logtail_tui.core.settings import Settings
from logtail_tui.core.store import LogStore
from logtail_tui.sources import history as history_module
from logtail_tui.sources.file_index import Backlog, ChunkMaker
from logtail_tui.sources.history import History
from logtail_tui.sources.index_pool import IndexPool, usable

pytestmark = pytest.mark.skipif(not usable(), reason="needs /proc and two cores")

SMALL_BLOCK = 256 << 10


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    """Blocks of 256 KiB (not 4 MiB), so a few MiB of history make many of them."""
    monkeypatch.setattr(history_module, "BLOCK", SMALL_BLOCK)
    monkeypatch.setattr(history_module, "POOL_BYTES", 4 * SMALL_BLOCK)
    monkeypatch.setattr(history_module, "WORKER_WANTED", True)  # also with the C helper


def write_history(path: Path, size: int) -> None:
    """Mixed levels, stack traces anywhere (block edges included), CRLF, invalid UTF-8 and a
    few 100 KiB lines: every way a block boundary can fall."""
    rng = random.Random(7)
    levels = ["INFO", "DEBUG", "WARN", "ERROR", "TRACE"]
    with open(path, "wb") as f:
        written, i = 0, 0
        while written < size:
            line = f"2026-12-01T10:00:00.{i % 1000:03d}Z {rng.choice(levels):<5} [w] job {i}"
            parts = [line.encode()]
            roll = rng.random()
            if roll < 0.02:
                parts += [
                    b"Traceback (most recent call last):",
                    b'  File "a.py", line 1',
                    b"ValueError: bad",
                ]
            elif roll < 0.03:
                parts[0] += b" bad \xff\xfe bytes\r"
            elif i % 20011 == 5:
                parts[0] += b" " + b"y" * (100 << 10)
            data = b"\n".join(parts) + b"\n"
            f.write(data)
            written += len(data)
            i += 1


async def indexed(
    path: Path, worker: bool, delete: bool = False
) -> tuple[list[FileChunk], IndexPool | None]:
    """Every history chunk of ``path`` (all of it before a 1 KiB tail), and the worker."""
    fd = os.open(path, os.O_RDONLY)
    backing = FileBacking(fd)
    size = os.fstat(fd).st_size
    tail = size - 1024
    tail = os.pread(fd, 1024, tail).index(b"\n") + tail + 1  # a line start
    if delete:
        path.unlink()  # the worker must reach it through the source's descriptor
    history = History(Backlog(backing, 0, tail, None, tail), ChunkMaker(Settings(lines=None)))
    pool = history.pool
    if worker:
        assert pool is not None
        await until(lambda: pool.ready, timeout=30)  # the worker loads in the background
    else:
        history.close()  # no worker: the thread alone
        history.done = False
    chunks: list[FileChunk] = []
    while not history.done:
        chunks += await history.step()
    return chunks, pool if worker else None


def lines_of(chunks: list[FileChunk]) -> list[tuple[str, int, bool]]:
    store = LogStore(max_lines=1 << 40)
    for chunk in chunks:
        store.add_chunk(chunk, prepend=True)
    out = []
    for n in range(store.first, store.end):
        chunk, i = store.locate(n)
        start = chunk.starts is None or bool(chunk.starts[i])
        out.append((store.text(n), store.level(n), start))
    return out


async def test_a_worker_indexes_what_the_thread_would(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    write_history(path, 24 * SMALL_BLOCK)
    alone, _ = await indexed(path, worker=False)
    helped, pool = await indexed(path, worker=True)
    assert pool is not None and pool.blocks >= 6, "the worker should take every other block"
    expected = lines_of(alone)
    assert len(expected) > 60_000
    assert lines_of(helped) == expected
    assert sum(c.length + 1 for c in helped) == sum(c.length + 1 for c in alone)


async def test_the_worker_reads_a_deleted_file_and_ends_with_the_history(tmp_path: Path) -> None:
    path = tmp_path / "gone.log"
    write_history(path, 16 * SMALL_BLOCK)
    expected = lines_of((await indexed(path, worker=False))[0])
    chunks, pool = await indexed(path, worker=True, delete=True)
    assert not path.exists()
    assert pool is not None and pool.blocks >= 4
    assert lines_of(chunks) == expected
    assert pool._proc is None  # closed when the history ended; its process is gone


async def test_the_worker_process_ends_when_closed(tmp_path: Path) -> None:
    pool = IndexPool()
    await until(lambda: pool.ready, timeout=30)
    process = pool._proc
    assert process is not None and process.poll() is None
    pool.close()
    assert process.poll() == 0  # its input closed: it ended on its own


def test_a_small_history_or_workers_off_start_no_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[object] = []
    monkeypatch.setattr(history_module, "IndexPool", lambda: started.append(1))
    path = tmp_path / "small.log"
    write_history(path, 1 << 20)
    backing = FileBacking(os.open(path, os.O_RDONLY))
    size = history_module.POOL_BYTES // 2
    History(Backlog(backing, 0, size, None, size), ChunkMaker(Settings(lines=None)))
    assert not started
    size = history_module.POOL_BYTES * 2
    History(Backlog(backing, 0, size, 1000, size), ChunkMaker(Settings(lines=None)))
    assert not started  # -n N: counted backwards, one block at a time
    monkeypatch.setenv("LOGTAIL_INDEX_WORKERS", "0")
    History(Backlog(backing, 0, size, None, size), ChunkMaker(Settings(lines=None)))
    assert not started
    monkeypatch.delenv("LOGTAIL_INDEX_WORKERS")
    monkeypatch.setattr(history_module, "WORKER_WANTED", False)  # the C helper indexes
    History(Backlog(backing, 0, size, None, size), ChunkMaker(Settings(lines=None)))
    assert not started
    monkeypatch.setattr(history_module, "WORKER_WANTED", True)
    History(Backlog(backing, 0, size, None, size), ChunkMaker(Settings(lines=None)))
    assert started == [1]
