"""Level detection in plain text and structured values, and continuation inheritance."""

from __future__ import annotations

import math

import pytest

from logtail_tui.core import parse
from logtail_tui.core.levels import (
    LevelDetector,
    inherit_levels,
    level_of,
    syslog_level,
    text_level,
    text_levels,
)
from logtail_tui.core.record import Level

L = Level


@pytest.mark.parametrize(
    ("line", "level"),
    [
        ("ERROR something broke", L.ERROR),
        ("2026-11-21 12:00:00,123 ERROR [main] c.e.Foo - boom", L.ERROR),
        ("2026-11-21T12:00:00.123456789Z 2026-11-21 12:00:00 WARN x", L.WARNING),
        ("12:00:00.123 [http-nio-8080-exec-1] WARN  c.e.Foo - slow", L.WARNING),
        ("[warn] disk almost full", L.WARNING),
        ("2026/11/21 12:00:00 [error] 123#0: *1 open() failed", L.ERROR),
        ("[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok", L.NOTICE),
        ("W/ActivityManager( 123): Unable to start", L.WARNING),
        ("01-01 12:00:00.123  1234  5678 E AndroidRuntime: FATAL EXCEPTION", L.ERROR),
        ("01-01 12:00:00.123 W/ActivityManager( 123): logcat -v time", L.WARNING),
        ("level: warn yaml-ish", L.WARNING),
        ("Nov 21 10:00:00 host sshd[123]: error: auth failed", L.ERROR),
        ("E, [2026-11-21T10:00:00.123 #123] ERROR -- : ruby logger", L.ERROR),
        ("INFO:     127.0.0.1:1234 - uvicorn", L.INFO),
        ("level=error msg=boom", L.ERROR),
        ("ts=1 lvl=warn msg=x", L.WARNING),
        ("E 12:00:01 boom", L.ERROR),
        ("I0101 12:00:00.123456   1 main.go:12] started", L.INFO),
        ("<3>kernel: oops", L.ERROR),
        ("<134>Nov 21 12:00:00 host app: hi", L.INFO),  # facility 16, severity 6
        ("Warning: unused variable", L.WARNING),
        ("error: could not compile", L.ERROR),
        ("FATAL out of memory", L.CRITICAL),
        ("CRITICAL:root:disk gone", L.CRITICAL),
        ("INFO:root:hello", L.INFO),
        ("12:00 DBG cache miss", L.DEBUG),
        ("[12:00:00 TRC] tick", L.TRACE),
        ("[12:00:00 INF] Serilog style", L.INFO),
        ("SUCCESS all green", L.NOTICE),
        ("2026-11-21T12:00:00Z  INFO mycrate: tracing style", L.INFO),
        ("[2026-11-21T12:00:00Z DEBUG mycrate] env_logger style", L.DEBUG),
        (" INFO [main] log4j %5p padding", L.INFO),
        ("2026-11-21 12:00:00 - app - ERROR - python dashes", L.ERROR),
        ("<error> angle", L.ERROR),
        ("|Debug| pipes", L.DEBUG),
        ("SEVERE: java.util.logging", L.ERROR),
        ("PANIC: goroutine", L.CRITICAL),
    ],
)
def test_text_levels(line: str, level: Level) -> None:
    assert text_level(line) == level
    assert text_levels([line]) == [level]


@pytest.mark.parametrize(
    "line",
    [
        "connection error while reading the socket",  # lower-case word, no delimiter
        "one two three four five six seven eight ERROR too deep",
        "ValueError: invalid literal",
        "INFORMATION is not a level word",
        "GET /api/ERROR/page 200",
        "the Error handler ran",
        "E_ERROR constant",
        "I think so",  # a single letter only counts in the layouts that use them
        "disk I/O stalled",
        "",
        "   ",
    ],
)
def test_no_false_levels(line: str) -> None:
    assert text_level(line) == L.NONE


def test_first_level_word_wins() -> None:
    assert text_level("2026 WARN retrying after ERROR") == L.WARNING


def test_levels_are_plain_ints() -> None:
    levels = text_levels(["ERROR x", "nothing"])
    assert [type(v) for v in levels] == [int, int]


@pytest.mark.parametrize(
    ("value", "key", "level"),
    [
        ("error", None, L.ERROR),
        ("ERROR", None, L.ERROR),
        (" Warning ", None, L.WARNING),
        ("thinking", "log_type", L.DEBUG),
        ("coding", "log_type", L.INFO),
        ("info", "log_type", L.INFO),
        ("success", "log_type", L.NOTICE),
        ("notice", None, L.NOTICE),
        ("fatal", None, L.CRITICAL),
        ("critical", None, L.CRITICAL),
        ("alert", None, L.CRITICAL),
        ("emerg", None, L.CRITICAL),
        ("I", "level", L.INFO),
        ("W", "level", L.WARNING),
        ("E", "level", L.ERROR),
        ("D", "level", L.DEBUG),
        ("V", "level", L.TRACE),
        ("F", "level", L.CRITICAL),
        (10, "level", L.TRACE),
        (20, "level", L.DEBUG),
        (30, "level", L.INFO),
        (40, "level", L.WARNING),
        (50, "level", L.ERROR),
        (60, "level", L.CRITICAL),
        (35, "level", L.INFO),
        (0, "priority", L.CRITICAL),
        (2, "priority", L.CRITICAL),
        (3, "priority", L.ERROR),
        (4, "priority", L.WARNING),
        (5, "priority", L.NOTICE),
        (6, "priority", L.INFO),
        ("7", "PRIORITY", L.DEBUG),
        (40, "levelno", L.ERROR),
        (10, "levelno", L.DEBUG),
        ("verbose", None, L.TRACE),
        ("audit", "level", L.NONE),
        ("", "level", L.NONE),
        (True, "level", L.NONE),
        (None, "level", L.NONE),
        (math.nan, "level", L.NONE),
        (math.inf, "level", L.NONE),
        (99, "priority", L.NONE),
        ({"nested": 1}, "level", L.NONE),
    ],
)
def test_structured_values(value: object, key: str | None, level: Level) -> None:
    assert level_of(value, key) == level


def test_parse_re_exports_level_of() -> None:
    assert parse.level_of is level_of
    assert parse.level_of("warn") == L.WARNING


def test_syslog_level_ignores_facility() -> None:
    assert syslog_level(3) == L.ERROR
    assert syslog_level(8 * 4 + 4) == L.WARNING


def batch(*lines: str) -> list[str]:
    return list(lines)


def test_java_stack_trace_inherits_the_error() -> None:
    texts = batch(
        "2026 ERROR [main] request failed",
        "java.lang.IllegalStateException: boom",
        "        at com.example.Foo.bar(Foo.java:12)",
        "        ... 3 more",
        "Caused by: java.io.IOException: closed",
        "2026 INFO [main] next request",
    )
    levels = text_levels(texts)
    last = inherit_levels(texts, levels)
    assert levels == [L.ERROR] * 5 + [L.INFO]
    assert last == L.INFO


def test_python_traceback_inherits_the_error() -> None:
    texts = batch(
        "ERROR:root:handler crashed",
        "Traceback (most recent call last):",
        '  File "app.py", line 3, in <module>',
        "    main()",
        "",
        "During handling of the above exception, another exception occurred:",
        "ValueError: bad input",
        "plain line after",
    )
    levels = text_levels(texts)
    inherit_levels(texts, levels)
    assert levels == [L.ERROR] * 7 + [L.NONE]


def test_continuation_across_batches() -> None:
    first = batch("WARN slow query")
    last = inherit_levels(first, text_levels(first))
    second = batch("    select * from t", "    where x = 1")
    levels = text_levels(second)
    assert inherit_levels(second, levels, last) == L.WARNING
    assert levels == [L.WARNING, L.WARNING]


def test_no_inheritance_without_a_level_before() -> None:
    texts = batch("plain", "  indented")
    levels = text_levels(texts)
    assert inherit_levels(texts, levels) == L.NONE
    assert levels == [L.NONE, L.NONE]


def test_a_plain_line_breaks_the_chain() -> None:
    texts = batch("ERROR x", "unrelated text", "  indented")
    levels = text_levels(texts)
    inherit_levels(texts, levels)
    assert levels == [L.ERROR, L.NONE, L.NONE]


def test_own_level_beats_inheritance() -> None:
    texts = batch("ERROR x", " INFO padded layout")
    levels = text_levels(texts)
    inherit_levels(texts, levels)
    assert levels == [L.ERROR, L.INFO]


def test_split_pieces_inherit_even_with_level_words() -> None:
    texts = batch("ERROR long line", "↪ INFO inside the same long line")
    levels = text_levels(texts)
    inherit_levels(texts, levels)
    assert levels == [L.ERROR, L.ERROR]


MIXED = [
    "2026-11-21T10:00:00Z INFO started",
    "2026-11-21T10:00:01Z WARN slow",
    "[ERROR] different layout",
    "no level here",
    "2026-11-21T10:00:02Z  ERROR  double spaced",
    "2026-11-21T10:00:03Z message mentions INFO late",
    "    at indented",
    "W/Tag( 1): android",
    "<3>syslog",
    "↪ INFO piece",
]


def test_learning_detector_agrees_with_the_full_matcher() -> None:
    detector = LevelDetector()
    for _ in range(3):  # learn, then use the learnt position, across batches
        assert detector(MIXED) == text_levels(MIXED)


def test_learning_detector_relearns_when_the_layout_changes() -> None:
    detector = LevelDetector()
    first = [f"2026-11-21T10:00:0{i}Z INFO line {i}" for i in range(5)]
    assert detector(first) == [L.INFO] * 5
    moved = [f"[ERROR] 2026 x {i}" for i in range(5)]
    assert detector(moved) == [L.ERROR] * 5
    assert detector(moved + MIXED) == text_levels(moved + MIXED)


def test_learning_detector_leaves_structured_lines_flagged() -> None:
    detector = LevelDetector("auto")
    lines = ["2026 INFO a", '{"msg": "hello WARN x"}', "time=1 WARN=x msg=y"]
    assert detector(lines) == text_levels(lines, "auto")
    assert detector(lines) == text_levels(lines, "auto")
    assert detector(lines)[1:] == [-1, -1]


@pytest.mark.parametrize(
    ("lines", "position"),
    [
        (["no level here", "2026-11-21 10:00:00 WARN disk", "[ERROR] later"], (2, False)),
        (["x", "2026 [error] boom", "2026-11-21 10:00:00 WARN disk"], (1, True)),
        (['{"level": "warn"}', "2026 INFO after"], (1, False)),  # JSON is read otherwise
        (["nothing", "at all"], None),
    ],
)
def test_the_level_position_is_the_first_levelled_lines(
    lines: list[str], position: tuple[int, bool] | None
) -> None:
    structured = "auto" if lines[0].startswith("{") else ""
    assert LevelDetector(structured).learn_position(lines) == position


def test_the_common_column_is_read_in_one_sweep() -> None:
    from logtail_tui.core.bulk import _common_column, _scan

    def per_line(lines: list[str], index: int, bracketed: bool) -> int | None:
        pattern, columns = _scan(index, bracketed).pattern(), set()
        for line in lines:
            if not line.isascii():
                return None
            m = pattern.match(b"\n" + line.encode())
            if m is not None and m.group(1):
                columns.add(m.start(1) - 1 - bracketed)
        return columns.pop() if len(columns) == 1 else None

    fixed = [f"2026-11-21T10:00:0{i}Z {w} job {i}" for i, w in enumerate(["INFO", "WARN"] * 3)]
    ragged = [*fixed, "2026-11-21T10:00:09.5Z ERROR shifted"]
    bracketed = [f"12:00:0{i} [{w}] x" for i, w in enumerate(["INFO", "ERROR", "WARN"])]
    cases = [
        (fixed, 1, False, 21),
        ([*fixed, "  continued", "", "no level"], 1, False, 21),
        (ragged, 1, False, None),  # the last one's word is elsewhere: no common column
        (bracketed, 1, True, 9),
        ([*fixed, "2026 INFO caf\u00e9"], 1, False, None),  # not ASCII
        (["x", "y"], 1, False, None),
    ]
    for lines, index, brackets, column in cases:
        assert _common_column(lines, index, brackets) == per_line(lines, index, brackets) == column


def test_the_level_table_agrees_with_passes() -> None:
    from logtail_tui.core.filters import LineFilter

    for f in (
        LineFilter(level=L.WARNING),
        LineFilter(hidden_levels=frozenset({L.DEBUG, L.INFO})),
        LineFilter(level=L.INFO, hidden_levels=frozenset({L.ERROR})),
    ):
        table = f.level_table()
        assert table is not None and table is f.level_table()  # made once per setting
        assert [table[v] for v in range(256)] == [int(f.matches("x", v)) for v in range(256)]
    assert LineFilter().level_table() is None
