"""The time column: parsed per chunk on first use, in bulk, kept, extended by new lines only."""

from __future__ import annotations

import math
import os
from calendar import timegm
from pathlib import Path

import pytest

from logtail_tui.core import time_column
from logtail_tui.core.bulk import LevelIndexer
from logtail_tui.core.chunks import FileBacking, FileChunk
from logtail_tui.core.parse import LineParser
from logtail_tui.core.store import LogStore

T0 = timegm((2026, 12, 1, 2, 35, 16))


def parsed(*texts: str):  # type: ignore[no-untyped-def]
    return LineParser().parse(list(texts))


def test_text_and_structured_records_get_epochs_and_nan_where_none() -> None:
    store = LogStore(100)
    store.extend(
        parsed(
            "2026-12-01T02:35:16Z INFO started",
            "    at com.example.Main(Main.java:3)",
            '{"level":"warn","msg":"json","time":"2026-12-01T03:35:17+01:00"}',
            "2026-12-01 02:35:18,250 ERROR python logging",
        )
    )
    times = store.times_between(store.first, store.end)
    assert times[0] == T0 and math.isnan(times[1])
    assert times[2] == T0 + 1  # from the record's time field, zone applied
    assert times[3] == pytest.approx(_local(2026, 12, 1, 2, 35, 18) + 0.25)
    assert store.time_of(0) == T0 and store.time_of(1) is None


def _local(*parts: int) -> float:
    import time

    return time.mktime((*parts, 0, 0, -1))


def test_parsed_lazily_once_and_extended_by_new_lines_only(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    calls: list[int] = []
    real = time_column.parse_times

    def counting(lines, now=None):  # type: ignore[no-untyped-def]
        calls.append(len(lines))
        return real(lines, now)

    monkeypatch.setattr(time_column, "parse_times", counting)
    store = LogStore(1000)
    store.extend(parsed(*[f"2026-12-01T02:35:{i:02d}Z INFO line {i}" for i in range(10)]))
    chunk, _ = store.locate(0)
    assert chunk.times is None  # nobody asked yet
    assert list(store.times_between(2, 4)) == [T0 - 16 + 2, T0 - 16 + 3]
    assert calls == [4]  # the chunk up to what was asked, in one call
    assert store.time_of(9) == T0 - 16 + 9 and calls == [4, 6]  # then the rest
    assert store.time_of(3) == T0 - 16 + 3 and calls == [4, 6]  # kept
    store.extend(parsed("2026-12-01T02:36:00Z INFO later", "no time here"))
    assert list(store.times_between(0, 12))[10] == T0 + 44
    assert calls == [4, 6, 2]  # the two new lines only


def test_survives_eviction_by_absolute_number() -> None:
    store = LogStore(5)
    store.extend(parsed(*[f"2026-12-01T02:35:{i:02d}Z INFO {i}" for i in range(8)]))
    assert store.first == 3
    assert list(store.times_between(0, 100)) == [T0 - 16 + i for i in range(3, 8)]


def test_file_chunk_lines_and_their_json_fields(tmp_path: Path) -> None:
    raw = (
        b"Dec  1 02:35:16 host sshd[1]: accepted\n"
        b'{"level":"error","msg":"x","ts":"2026-12-01T02:35:17Z"}\n'
        b"plain words\n"
    )
    path = tmp_path / "mixed.log"
    path.write_bytes(raw)
    blob = raw[:-1]
    levels, _ = LevelIndexer().levels(blob, 3)
    fd = os.open(path, os.O_RDONLY)
    try:
        chunk = FileChunk(levels, LineParser(), backing=FileBacking(fd), length=len(blob))
    finally:
        os.close(fd)
    store = LogStore(10)
    store.add_chunk(chunk)
    times = store.times_between(store.first, store.end)
    assert times[0] == pytest.approx(_local(time_year(), 12, 1, 2, 35, 16))
    assert times[1] == T0 + 1 and math.isnan(times[2])
    assert len(chunk.times) == 3  # type: ignore[arg-type]


def time_year() -> int:
    """Syslog has no year: the current one (or the previous, for a December log in January)."""
    import time

    now = time.localtime()
    return now.tm_year - 1 if now.tm_mon == 1 else now.tm_year
