"""The record rule (core/records.py) on real-looking logs, through the stream parser and the
bulk indexer: both must find the same records."""

from __future__ import annotations

import pytest
from record_logs import GO_PANIC, INDENTED, JAVA, PYTHON

from logtail_tui.core.bulk import LevelIndexer
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Level
from logtail_tui.core.records import MAX_RECORD_LINES, Grouper, runs, spread


def records_of(lines: list[str]) -> list[list[str]]:
    batch = LineParser().parse(lines)
    return [lines[lo:hi] for lo, hi in runs(batch.starts, len(lines))]


def bulk_records_of(lines: list[str]) -> list[list[str]]:
    blob = "\n".join(lines).encode()
    _, starts, _ = LevelIndexer().index(blob, len(lines), Grouper())
    return [lines[lo:hi] for lo, hi in runs(starts, len(lines))]


@pytest.mark.parametrize("split", [records_of, bulk_records_of])
def test_java_stack_trace_with_caused_by_is_one_record(split) -> None:  # type: ignore[no-untyped-def]
    records = split(JAVA)
    assert [len(r) for r in records] == [1, 6, 1, 1, 3, 1]
    assert records[1][0].endswith("order 8 failed") and records[1][-1] == "\t... 2 more"


def test_continuation_lines_take_the_level_of_their_record() -> None:
    batch = LineParser().parse(JAVA)
    assert batch.levels[1:7] == [Level.ERROR] * 6
    assert batch.levels[7] == Level.INFO


@pytest.mark.parametrize("split", [records_of, bulk_records_of])
def test_python_traceback_is_one_record(split) -> None:  # type: ignore[no-untyped-def]
    records = split(PYTHON)
    assert [len(r) for r in records] == [1, 5, 1]
    assert records[1][-1] == "ZeroDivisionError: division by zero"


@pytest.mark.parametrize("split", [records_of, bulk_records_of])
def test_go_panic_and_goroutine_dump_is_one_record(split) -> None:  # type: ignore[no-untyped-def]
    records = split(GO_PANIC)
    assert [len(r) for r in records] == [1, 11, 1]
    assert records[1][0].startswith("panic:") and records[2] == ["exit status 2"]


def test_indented_lines_continue_a_levelled_line() -> None:
    assert [len(r) for r in records_of(INDENTED)] == [3, 1]


def test_without_any_level_indented_lines_are_records_of_their_own() -> None:
    lines = ["total 12", "  drwxr-xr-x 2 root root .", "  -rw-r--r-- 1 root root a"]
    assert LineParser().parse(lines).starts is None


def test_json_with_a_multi_line_value_arrives_as_one_line_so_one_record() -> None:
    line = r'{"level":"error","msg":"boom","stacktrace":"main.f()\n\tat main.go:3"}'
    batch = LineParser().parse([line, '{"level":"info","msg":"next"}'])
    assert batch.starts is None and batch.levels[0] == Level.ERROR


def test_a_record_split_across_batches_stays_one() -> None:
    parser = LineParser()
    first = parser.parse(JAVA[:3])
    second = parser.parse(JAVA[3:])
    assert list(first.starts or b"") == [1, 1, 0]
    assert second.starts is not None and list(second.starts[:5]) == [0, 0, 0, 0, 1]


def test_a_record_that_never_ends_is_bounded() -> None:
    parser = LineParser()
    lines = ["2026-12-01 ERROR boom"] + ["\tat x.y(Z.java:1)"] * (3 * MAX_RECORD_LINES)
    starts = bytearray()
    for k in range(0, len(lines), 700):  # in batches: the count carries over
        batch = parser.parse(lines[k : k + 700])
        starts += batch.starts or b"\x01" * len(batch)
    sizes = [hi - lo for lo, hi in runs(starts, len(starts))]
    assert max(sizes) == MAX_RECORD_LINES and sum(sizes) == len(lines) and len(sizes) == 4


def test_a_record_is_bounded_in_characters_too() -> None:
    lines = ["ERROR big"] + ["  " + "x" * 400_000] * 5
    starts = LineParser().parse(lines).starts
    assert starts is not None and list(starts) == [1, 0, 0, 1, 0, 0]


def test_spread_flags_whole_records_only() -> None:
    starts = bytearray([1, 0, 0, 1, 1, 0])
    flags = bytearray([0, 0, 1, 0, 0, 0])
    spread(flags, starts)
    assert list(flags) == [1, 1, 1, 0, 0, 0]
