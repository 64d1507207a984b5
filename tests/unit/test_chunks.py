"""The chunked scrollback: sealing, spilling, whole-chunk eviction, prepended history,
bounded memory, and file chunks parsed only when looked at."""

from __future__ import annotations

import os
import tracemalloc
from pathlib import Path

import pytest

from logtail_tui.core.bulk import LevelIndexer
from logtail_tui.core.chunks import CHUNK_LINES, FileBacking, FileChunk, TextChunk
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, Level, Record
from logtail_tui.core.search import SearchIndex, SearchQuery
from logtail_tui.core.store import LogStore
from logtail_tui.core.view import View


def numbered(n: int, start: int = 0, width: int = 80) -> Batch:
    texts = [
        f"{'ERROR' if i % 10 == 0 else 'INFO'} line {i} ".ljust(width, "x")
        for i in range(start, start + n)
    ]
    return Batch(
        texts, [Level.ERROR if i % 10 == 0 else Level.INFO for i in range(start, start + n)]
    )


def file_chunk(lines: list[str], history: bool = False) -> FileChunk:
    blob = "\n".join(lines).encode()
    levels, orphans = LevelIndexer().levels(blob, len(lines))
    chunk = FileChunk(levels, LineParser(), blob=blob)
    chunk.orphans, chunk.history = orphans, history
    return chunk


def test_stream_chunks_seal_into_one_string_each() -> None:
    store = LogStore(10_000_000, memory_budget=0)
    store.extend(numbered(3 * CHUNK_LINES + 5))
    assert store.chunk_count == 4
    sealed = [c for c, _, _ in store.pieces(store.first, store.end)][:3]
    assert all(isinstance(c, TextChunk) and c.sealed and c.joined_text() for c in sealed)
    for n in (0, CHUNK_LINES - 1, CHUNK_LINES, 3 * CHUNK_LINES + 4):
        assert store.text(n).startswith(("ERROR line", "INFO line"))
        assert f" line {n} " in store.text(n)
    assert store.level(CHUNK_LINES * 2) == Level.INFO + (Level.ERROR - Level.INFO) * (
        CHUNK_LINES * 2 % 10 == 0
    )


def test_columns_and_sources_survive_sealing_and_spilling(tmp_path: Path) -> None:
    store = LogStore(10_000_000, memory_budget=1, spill_dir=str(tmp_path))
    store.extend(Batch(["a"], [Level.WARNING], ["2026-12-01T10:00:00+01:00"], ['{"msg":"a"}']), 2)
    store.extend(numbered(CHUNK_LINES * 2), 1)
    assert store.spilled_chunks >= 1
    assert store.record(0) == Record(
        "a", Level.WARNING, "2026-12-01T10:00:00+01:00", '{"msg":"a"}', 2
    )
    assert store.record(1).time is None and store.record(1).raw is None
    assert store.source(1) == 1 and store.export(0) == '{"msg":"a"}'


def test_eviction_drops_whole_chunks_and_counts_exactly() -> None:
    store = LogStore(100_000, memory_budget=0)
    for k in range(10):
        store.extend(numbered(100_000, k * 100_000))
    assert (store.received, store.evicted, len(store)) == (1_000_000, 900_000, 100_000)
    assert (store.first, store.end) == (900_000, 1_000_000)
    assert store.chunk_count <= 100_000 // CHUNK_LINES + 2
    assert " line 900000 " in store.text(900_000)
    with pytest.raises(IndexError):
        store.text(899_999)


def test_a_long_stream_keeps_memory_flat_and_stays_searchable(tmp_path: Path) -> None:
    # 600k lines of ~100 bytes: as Python strings they would take well over 60 MiB.
    store = LogStore(10_000_000, memory_budget=4 << 20, spill_dir=str(tmp_path))
    tracemalloc.start()
    try:
        for k in range(12):
            store.extend(numbered(50_000, k * 50_000, width=100))
        current, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # The open chunk (<= 64k strings) plus the budget plus a byte a line, not the stream.
    assert current < 24 << 20, current
    assert store.spilled_chunks >= 4 and store.memory_bytes <= 4 << 20
    view = View(store)
    index = SearchIndex(view, SearchQuery.parse("line 123457 "))
    index.build_now()
    assert list(index.numbers()) == [123_457]


def test_history_is_prepended_below_the_oldest_number() -> None:
    store = LogStore(1_000)
    store.add_chunk(file_chunk(["2026 INFO tail one", "2026 ERROR tail two"]))
    view = View(store, LineFilter.build(level=Level.ERROR))
    index = SearchIndex(view, SearchQuery.parse("two"))
    index.build_now()
    assert (store.first, store.end, list(view)) == (0, 2, [1])
    store.add_chunk(file_chunk(["2026 ERROR old two", "2026 INFO old three"], True), 0, True)
    view.sync()
    index.sync()
    assert (store.first, store.origin, store.end) == (-2, -2, 2)
    assert [store.text(n) for n in range(-2, 2)] == [
        "2026 ERROR old two",
        "2026 INFO old three",
        "2026 INFO tail one",
        "2026 ERROR tail two",
    ]
    assert list(view) == [-2, 1]
    assert list(index.numbers()) == [-2, 1]


def test_continuation_lines_take_the_level_of_history_prepended_later() -> None:
    store = LogStore(1_000)
    tail = file_chunk(["\tat com.example.Foo.bar(Foo.java:1)", "2026 INFO next"])
    assert tail.orphans == 1 and tail.levels[0] == 0
    store.add_chunk(tail)
    store.add_chunk(file_chunk(["2026 ERROR boom"], True), 0, True)
    assert store.level(0) == Level.ERROR


def test_prepended_history_beyond_max_lines_keeps_the_newest() -> None:
    store = LogStore(3)
    store.add_chunk(file_chunk(["2026 INFO c", "2026 INFO d"]))
    assert store.add_chunk(file_chunk(["2026 INFO a", "2026 INFO b"], True), 0, True) == 1
    assert [store.text(n) for n in range(store.first, store.end)] == [
        "2026 INFO b",
        "2026 INFO c",
        "2026 INFO d",
    ]


def test_file_chunks_read_lines_back_and_parse_them_when_drawn(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    raw = (
        b'{"level":"warn","msg":"json here","time":"2026-12-01T02:31:38+01:00"}\r\n'
        b"2026 ERROR \x1b]0;title\x07bad \xff bytes\n" + b"2026 INFO " + b"y" * 300 + b"\n"
    )
    path.write_bytes(raw)
    fd = os.open(path, os.O_RDONLY)
    try:
        blob = raw[:-1]
        levels, _ = LevelIndexer().levels(blob, 3)
        chunk = FileChunk(
            levels,
            LineParser(),
            backing=FileBacking(fd),
            offset=0,
            length=len(blob),
            max_line_length=100,
        )
    finally:
        os.close(fd)  # the chunk holds its own descriptor
    store = LogStore(10)
    store.add_chunk(chunk)
    assert store.record(0) == Record(
        "json here",
        Level.WARNING,
        "2026-12-01T02:31:38+01:00",
        '{"level":"warn","msg":"json here","time":"2026-12-01T02:31:38+01:00"}',
        0,
    )
    shown = store.text(1)
    assert "\x1b" not in shown and "\x07" not in shown and "\ufffd" in shown
    assert store.level(1) == Level.ERROR
    long = store.record(2)
    assert len(long.text) < 150 and "more characters" in long.text
    assert store.export(2) == "2026 INFO " + "y" * 300


def test_a_file_truncated_under_its_chunks_shows_placeholders(tmp_path: Path) -> None:
    path = tmp_path / "gone.log"
    path.write_bytes(b"2026 INFO a\n2026 INFO b\n")
    fd = os.open(path, os.O_RDONLY)
    chunk = FileChunk(bytearray([3, 3]), LineParser(), backing=FileBacking(fd), length=23)
    os.close(fd)
    path.write_bytes(b"")
    store = LogStore(10)
    store.add_chunk(chunk)
    assert "truncated" in store.text(0) and "truncated" in store.text(1)


def test_a_file_chunk_holds_its_lines_in_the_read_that_brought_them() -> None:
    read = b"cut line\n2026 ERROR one\n2026 INFO two\npartial"
    start, stop = read.index(b"2026"), read.index(b"\npartial")
    chunk = FileChunk(bytearray([Level.ERROR, Level.INFO]), LineParser(), span=(read, start, stop))
    held = chunk.held()
    assert held is not None and held[0] is read and held[1:] == (start, stop)  # no copy
    assert chunk.length == stop - start and chunk.nbytes == 2 + stop - start
    assert chunk.record(1).text == "2026 INFO two"  # copied out once, when looked at
    assert chunk.blob == b"2026 ERROR one\n2026 INFO two" and chunk.held() == (chunk.blob, 0, 28)
    hidden = FileChunk(bytearray(2), LineParser(), span=(read, start, stop))
    hidden.blob = b"2026 ERROR ***\n2026 INFO two"  # as hiding secrets does, before it is shown
    assert hidden.held() == (hidden.blob, 0, 28) and hidden.record(0).text == "2026 ERROR ***"
