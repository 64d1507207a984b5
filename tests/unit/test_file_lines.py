"""File chunks read a window of lines around those asked for, never their whole block: the
lines read back exactly (CRLF, invalid UTF-8, megabyte lines, truncation, rotation, offsets
past 4 GiB) and the bytes held stay a few windows however big the chunks."""

from __future__ import annotations

import itertools
import os
import platform
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from logtail_tui.core.chunks import FileChunk
from logtail_tui.core.file_backing import GONE, WINDOW, WINDOWS_KEPT, FileBacking, line_marks
from logtail_tui.core.settings import Settings
from logtail_tui.core.store import LogStore
from logtail_tui.sources.file_index import BLOCK, ChunkMaker, block_after, block_before


def varied_lines(n: int, seed: int) -> list[bytes]:
    """Lines of 0-400 bytes; some CRLF-ended, some with invalid UTF-8 or non-ASCII text."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        body = f"2026-01-01T00:00:00Z {'ERROR' if i % 7 == 0 else 'INFO'} line {i} ".encode()
        body += b"x" * rng.randrange(0, 400)
        kind = i % 11
        if kind == 3:
            body += b" bad \xff\xfe bytes"
        elif kind == 5:
            body += " caf\u00e9 \u2603".encode()
        elif kind == 7:
            body += b"\r"  # a CRLF file's line
        out.append(body)
    return out


def shown(raw: bytes) -> str:
    """A line as a chunk gives it to filters: UTF-8 with replacement, no CR before LF."""
    return raw.decode("utf-8", "replace").removesuffix("\r")


def chunks_of(path: Path, backwards: bool = False) -> list[FileChunk]:
    """The file's chunks, made as the file adapter makes them (a burst forwards, history
    backwards)."""
    fd = os.open(path, os.O_RDONLY)
    try:
        size = os.fstat(fd).st_size
        maker = ChunkMaker(Settings(max_line_length=0))
        backing = FileBacking(fd)
        chunks = []
        if backwards:
            hi = size
            while (block := block_before(fd, 0, hi)) is not None:
                chunks.insert(0, maker.chunk(block, backing, history=True))
                hi = block.start
        else:
            pos = 0
            while (block := block_after(fd, pos, size)) is not None:
                chunks.append(maker.chunk(block, backing))
                pos = block.start + block.length + 1
        return chunks
    finally:
        os.close(fd)


def test_marks_are_line_starts_with_their_numbers() -> None:
    rows = [b"a" * random.Random(k).randrange(0, 3000) for k in range(2000)]
    rows[700] = b"b" * (5 * 4096)  # longer than the step: no mark falls inside it
    data = b"\n".join(rows)
    numbers, offsets = line_marks(data, 0, len(data), step=4096)
    assert len(numbers) > 100
    starts = [0]
    for row in rows[:-1]:
        starts.append(starts[-1] + len(row) + 1)
    for number, offset in zip(numbers[:-1], offsets[:-1], strict=True):
        assert starts[number] == offset
    assert (numbers[-1], offsets[-1]) == (len(rows), len(data) + 1)
    gaps = [b - a for a, b in itertools.pairwise(offsets)]
    assert max(gaps) < 4096 + 5 * 4096 + 3000  # a window is a step plus at most a line


def test_a_burst_reads_back_line_for_line_holding_a_few_windows(tmp_path: Path) -> None:
    rows = varied_lines(60_000, seed=1)
    path = tmp_path / "burst.log"
    path.write_bytes(b"\n".join(rows) + b"\n")
    chunks = chunks_of(path)
    assert len(chunks) >= 3 and all(c.blob is None for c in chunks)
    store = LogStore(10**7)
    for chunk in chunks:
        store.add_chunk(chunk)
    assert store.end - store.first == len(rows)
    held = 0
    # Following: the screen is the newest lines of each chunk as it arrives.
    for chunk in chunks:
        end = chunk.start + chunk.n
        for n in range(end - 45, end):
            assert store.export(n) == shown(rows[n - store.first])
        held = max(held, store.cache.held_bytes)
    assert 0 < held <= 3 * WINDOWS_KEPT * (WINDOW + 1000)
    assert held * 8 < BLOCK  # each chunk's whole block (4 MiB) was held before
    # Every line, in order and by slices, is the file's line.
    texts = [t for chunk in chunks for t in chunk.texts(0, chunk.n)]
    assert texts == [shown(r) for r in rows]
    # Scrolling through it all, line by line, still holds a few windows only.
    held = 0
    for n in range(store.first, store.end):
        assert store.export(n) == texts[n - store.first]
        held = max(held, store.cache.held_bytes)
    assert WINDOW <= held <= 3 * WINDOWS_KEPT * (WINDOW + 1000)
    picks = random.Random(2).sample(range(len(rows)), 300)
    assert [store.export(store.first + k) for k in picks] == [shown(rows[k]) for k in picks]


def test_history_read_backwards_reads_back_the_same(tmp_path: Path) -> None:
    rows = varied_lines(30_000, seed=3)
    path = tmp_path / "history.log"
    path.write_bytes(b"\n".join(rows) + b"\n")
    chunks = chunks_of(path, backwards=True)
    assert len(chunks) >= 2
    texts = [chunk.texts(0, chunk.n)[k] for chunk in chunks for k in range(0, chunk.n, 97)]
    firsts = [sum(c.n for c in chunks[:i]) for i in range(len(chunks))]
    expected = [
        shown(rows[f + k]) for f, c in zip(firsts, chunks, strict=True) for k in range(0, c.n, 97)
    ]
    assert texts == expected


def test_a_megabyte_line_is_read_whole_and_others_stay_small(tmp_path: Path) -> None:
    big = b"2026 INFO " + b"y" * (3 << 20)
    rows = [f"2026 INFO before {i}".encode() for i in range(20_000)]
    rows += [big] + [f"2026 WARN after {i}".encode() for i in range(20_000)]
    path = tmp_path / "big-line.log"
    path.write_bytes(b"\n".join(rows) + b"\n")
    fd = os.open(path, os.O_RDONLY)
    maker = ChunkMaker(Settings(max_line_length=1000))
    block = block_after(fd, 0, os.fstat(fd).st_size, size=8 << 20)
    assert block is not None
    chunk = maker.chunk(block, FileBacking(fd))
    os.close(fd)
    store = LogStore(10**6)
    store.add_chunk(chunk)
    assert store.text(0) == "2026 INFO before 0"
    assert store.cache.held_bytes < 2 * WINDOW
    record = store.record(20_000)
    assert "more characters" in record.text and len(record.text) < 1100
    assert store.export(20_000) == big.decode()  # the line wider than any window, whole
    assert store.text(40_000) == "2026 WARN after 19999"
    assert store.text(20_001) == "2026 WARN after 0"


def test_lines_a_truncation_took_are_gone_and_the_others_still_read(tmp_path: Path) -> None:
    rows = [f"2026 INFO row {i} ".encode() + b"z" * 50 for i in range(20_000)]
    path = tmp_path / "cut.log"
    path.write_bytes(b"\n".join(rows) + b"\n")
    (chunk,) = chunks_of(path)
    keep = 12_345
    os.truncate(path, sum(len(r) + 1 for r in rows[:keep]) - 10)  # mid-line
    store = LogStore(10**6)
    store.add_chunk(chunk)
    assert store.text(0) == rows[0].decode()
    assert store.text(keep - 2) == rows[keep - 2].decode()
    assert store.text(keep - 1) == GONE  # cut in the middle: not shown as half a line
    assert store.text(19_999) == GONE
    texts = chunk.texts(keep - 3, keep + 3)
    assert texts[:2] == [rows[keep - 3].decode(), rows[keep - 2].decode()]
    assert texts[2:] == [GONE] * 4


def test_a_rotated_file_is_still_read_through_the_chunks_descriptor(tmp_path: Path) -> None:
    rows = [f"2026 INFO first generation {i}".encode() for i in range(50_000)]
    path = tmp_path / "app.log"
    path.write_bytes(b"\n".join(rows) + b"\n")
    chunks = chunks_of(path)
    path.rename(tmp_path / "app.log.1")
    path.write_bytes(b"2026 INFO second generation\n")
    assert [t for c in chunks for t in c.texts(0, c.n)] == [r.decode() for r in rows]
    assert chunks[0].record(1234).text == rows[1234].decode()


def test_offsets_past_4_gib(tmp_path: Path) -> None:
    path = tmp_path / "huge.log"
    rows = [f"2026 INFO far {i} ".encode() + b"q" * 60 for i in range(70_000)]
    at = (4 << 30) + 12345
    with open(path, "wb") as f:
        f.seek(at - 1)  # sparse: no disk is used for the hole
        f.write(b"\n" + b"\n".join(rows) + b"\n")
    fd = os.open(path, os.O_RDONLY)
    backing, maker = FileBacking(fd), ChunkMaker(Settings())
    chunks, pos, size = [], at, os.fstat(fd).st_size
    while (block := block_after(fd, pos, size)) is not None:
        chunks.append(maker.chunk(block, backing))
        pos = block.start + block.length + 1
    os.close(fd)
    assert len(chunks) >= 2 and chunks[-1].offset > 1 << 32
    lines = [chunk.texts(k, k + 1)[0] for chunk in chunks for k in (0, chunk.n // 2, chunk.n - 1)]
    starts = [0]
    for chunk in chunks:
        starts.append(starts[-1] + chunk.n)
    assert lines == [
        rows[s + k].decode()
        for s, chunk in zip(starts[:-1], chunks, strict=True)
        for k in (0, chunk.n // 2, chunk.n - 1)
    ]
    assert chunks[-1].record(chunks[-1].n - 1).text == rows[-1].decode()


def test_a_burst_block_keeps_whole_lines_only(tmp_path: Path) -> None:
    path = tmp_path / "growing.log"
    path.write_bytes(b"2026 INFO one\n2026 INFO two\n2026 INFO thr")  # a line being written
    fd = os.open(path, os.O_RDONLY)
    block = block_after(fd, 0, os.fstat(fd).st_size)
    os.close(fd)
    assert block is not None
    assert (block.lines, block.blob, block.length) == (2, b"2026 INFO one\n2026 INFO two", 27)
    assert block.end < len(block.data)  # the cut line is left in the read, not copied away


def test_one_arena_is_set_where_glibc_runs_us() -> None:
    code = "from logtail_tui.core.allocator import one_arena; print(one_arena())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    glibc = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"
    assert out.stdout.strip() == str(glibc)


def test_a_backing_closes_its_descriptor_when_gone(tmp_path: Path) -> None:
    """Each file generation (rotation, truncation) gets a backing: a leaked descriptor a
    generation would keep rotated logs' disk space held for the whole session."""
    import gc

    path = tmp_path / "a.log"
    path.write_bytes(b"INFO a\n")
    fd = os.open(path, os.O_RDONLY)
    try:
        backing = FileBacking(fd)
        dup = backing.fd
        os.fstat(dup)  # open while the backing lives
        del backing
        gc.collect()
        with pytest.raises(OSError):
            os.fstat(dup)
    finally:
        os.close(fd)


def test_secrets_are_starred_in_what_a_backing_reads(tmp_path: Path) -> None:
    path = tmp_path / "a.log"
    path.write_bytes(b"INFO tok=abcdef ok\nWARN abc and abcdef\n")
    fd = os.open(path, os.O_RDONLY)
    try:
        backing = FileBacking(fd)
        backing.hidden = (b"abc", b"abcdef")  # one holds the other: the longest goes first
        assert backing.read(0, 100) == b"INFO tok=****** ok\nWARN *** and ******\n"
    finally:
        os.close(fd)


@pytest.mark.parametrize("kind", ["clean", "crlf", "utf8", "tab"])
def test_a_chunk_keeps_whether_searches_may_sweep_its_bytes(
    tmp_path: Path, kind: str
) -> None:
    """Whether a chunk's bytes are plain ASCII is found out on the first search and kept,
    and either way the search finds the same lines."""
    from logtail_tui.core.scan import lines_in

    end = {"clean": b"\n", "crlf": b"\r\n", "utf8": " \u00e9\n".encode(), "tab": b"\t\n"}[kind]
    rows = [b"line %d %s" % (i, b"timeout" if i % 7 == 0 else b"ok") for i in range(3000)]
    path = tmp_path / "a.log"
    path.write_bytes(end.join(rows) + end)
    fd = os.open(path, os.O_RDONLY)
    try:
        block = block_after(fd, 0, os.fstat(fd).st_size)
        assert block is not None
        chunk = ChunkMaker(Settings()).chunk(block, FileBacking(fd))
        assert chunk.blob is None  # left in the file
        assert chunk.ascii is None
        for _ in range(2):  # the second search goes by the kept answer
            found = lines_in(re.compile("timeout"), chunk, 0, chunk.n)
            assert found == list(range(0, 3000, 7))
            assert chunk.ascii is (kind in ("clean", "tab"))
    finally:
        os.close(fd)
