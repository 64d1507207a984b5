"""Times read from text lines and shown in one zone (own fixtures, typed here)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from logtail_tui.core.times import format_epoch, format_time, parse_time, parse_times


@pytest.fixture(autouse=True)
def paris() -> Iterator[None]:
    """Local time is Europe/Paris (+01:00 in December) for every test here."""
    old = os.environ.get("TZ")
    os.environ["TZ"] = "Europe/Paris"
    time.tzset()
    yield
    if old is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = old
    time.tzset()


def utc(*args: int, micro: int = 0) -> float:
    return datetime(*args, micro, tzinfo=UTC).timestamp()  # type: ignore[misc]


NOW = utc(2026, 12, 1, 12, 0, 0)


@pytest.mark.parametrize(
    ("line", "expected", "shown"),
    [
        ("2026-12-01T02:35:16.123Z GET /", utc(2026, 12, 1, 2, 35, 16, micro=123000),
         "2026-12-01T02:35:16.123Z"),
        ("2026-12-01T02:35:16+01:00 x", utc(2026, 12, 1, 1, 35, 16), "2026-12-01T02:35:16+01:00"),
        ("2026-12-01 02:35:16.5-0330 x", utc(2026, 12, 1, 6, 5, 16, micro=500000),
         "2026-12-01 02:35:16.5-0330"),
        ("2026-12-01 02:35:16 +0000 x", utc(2026, 12, 1, 2, 35, 16), "2026-12-01 02:35:16 +0000"),
        # no zone: local time (Paris, +01:00)
        ("2026-12-01 02:35:16,123 - app - INFO - ok", utc(2026, 12, 1, 1, 35, 16, micro=123000),
         "2026-12-01 02:35:16,123"),
        ("2026/12/01 02:35:16 [error] 7#0: open() failed", utc(2026, 12, 1, 1, 35, 16),
         "2026/12/01 02:35:16"),
        ("[2026-12-01 02:35:16] local.ERROR: boom", utc(2026, 12, 1, 1, 35, 16),
         "2026-12-01 02:35:16"),
        ("<34>1 2026-12-01T02:35:16.003Z host app - - x", utc(2026, 12, 1, 2, 35, 16, micro=3000),
         "2026-12-01T02:35:16.003Z"),
        ("Dec  1 02:35:16 host sshd[7]: Accepted", utc(2026, 12, 1, 1, 35, 16), "Dec  1 02:35:16"),
        ("Nov 30 23:59:59 host cron[1]: x", utc(2026, 11, 30, 22, 59, 59), "Nov 30 23:59:59"),
        ("203.0.113.9 - bob [01/Dec/2026:02:35:16 -0500] \"GET / HTTP/1.1\" 200 5",
         utc(2026, 12, 1, 7, 35, 16), "01/Dec/2026:02:35:16 -0500"),
        ("[01/Dec/2026:02:35:16 +0000] bare", utc(2026, 12, 1, 2, 35, 16),
         "01/Dec/2026:02:35:16 +0000"),
        ("[Tue Dec 01 02:35:16.123 2026] [core:error] x", utc(2026, 12, 1, 1, 35, 16, micro=123000),
         "Tue Dec 01 02:35:16.123 2026"),
        ("261201 023516 148 INFO dfs.DataNode: x", utc(2026, 12, 1, 1, 35, 16), "261201 023516"),
        ("26/12/01 02:35:16 INFO spark.Executor: x", utc(2026, 12, 1, 1, 35, 16),
         "26/12/01 02:35:16"),
        ("20261201-2:35:6:7|Step|1|x", utc(2026, 12, 1, 1, 35, 6, micro=7000),
         "20261201-2:35:6:7"),
        ("12-01 02:35:16.123  1702  2395 D Tag: x", utc(2026, 12, 1, 1, 35, 16, micro=123000),
         "12-01 02:35:16.123"),
        ("[12.01 02:35:16] chrome.exe - x", utc(2026, 12, 1, 1, 35, 16), "12.01 02:35:16"),
        ("E1201 02:35:16.250000 12 main.go:1] x", utc(2026, 12, 1, 1, 35, 16, micro=250000),
         "1201 02:35:16.250000"),
        ("- 1764556516 2026.12.01 R01 2026-12-01-02.35.16.1 R01 RAS KERNEL INFO x",
         1764556516.0, "1764556516"),
        ("77 node-2 unix.hw state_change.unavailable 1764556516 1 Component x",
         1764556516.0, "1764556516"),
        ("1764556516.250    180 192.0.2.1 TCP_MISS/200", 1764556516.25, "1764556516.250"),
        ("svc.log.1 2026-12-01 02:35:16.008 25 INFO nova x", utc(2026, 12, 1, 1, 35, 16, micro=8000),
         "2026-12-01 02:35:16.008"),
        ("2026-12-01 02:35:16, Info                  CBS    x", utc(2026, 12, 1, 1, 35, 16),
         "2026-12-01 02:35:16"),
    ],
)  # fmt: skip
def test_parse_time_formats(line: str, expected: float, shown: str) -> None:
    epoch, (start, end) = parse_time(line, NOW)
    assert epoch == pytest.approx(expected, abs=1e-6)
    assert line[start:end] == shown


@pytest.mark.parametrize(
    "line",
    ["", "hello world", "2026-02-30 00:00:00 no such day", "2026-12-01 25:00:00 no such hour",
     "12345 not a time", "Decimal 1 02:35:16", "v1.2.3 released"],
)  # fmt: skip
def test_lines_without_a_time(line: str) -> None:
    assert parse_time(line, NOW) == (None, (0, 0))


def test_missing_year_is_this_year_unless_that_is_more_than_a_day_ahead() -> None:
    jan = utc(2027, 1, 2, 12, 0, 0)
    assert parse_time("Dec 31 23:00:00 h x", jan)[0] == utc(2026, 12, 31, 22, 0, 0)
    assert parse_time("Jan  2 20:00:00 h x", jan)[0] == utc(2027, 1, 2, 19, 0, 0)  # hours ahead
    assert parse_time("Jan  4 00:00:00 h x", jan)[0] == utc(2026, 1, 3, 23, 0, 0)


def test_parse_times_in_bulk_matches_one_by_one() -> None:
    lines = ["2026-12-01T02:35:16Z a", "no time", "Dec  1 02:35:16 h x", "", "261201 023516 1 x"]
    assert parse_times(lines, NOW) == [parse_time(line, NOW)[0] for line in lines]
    assert [t is None for t in parse_times(lines, NOW)] == [False, True, False, True, False]


def test_format_epoch_in_one_zone_with_its_marker() -> None:
    epoch = utc(2026, 12, 1, 2, 35, 16, micro=123456)
    assert format_epoch(epoch) == "2026-12-01T03:35:16.123+01:00"
    assert format_epoch(epoch, utc=True) == "2026-12-01T02:35:16.123Z"
    assert format_epoch(epoch, utc=True, digits=0) == "2026-12-01T02:35:16Z"
    assert format_epoch(epoch, utc=True, digits=6) == "2026-12-01T02:35:16.123456Z"
    assert format_epoch(utc(2026, 7, 1, 0, 0, 0)) == "2026-07-01T02:00:00.000+02:00"  # summer


def test_format_time_keeps_the_offset_and_converts_to_one_zone() -> None:
    # The pane used to cut this to "2026-12-01T02:31:38+01:"; the instant must survive.
    assert format_time("2026-12-01T02:31:38+01:00") == "2026-12-01T02:31:38+01:00"
    assert format_time("2026-12-01T02:31:38+01:00", utc=True) == "2026-12-01T01:31:38Z"
    assert format_time("2026-12-01T06:31:38.250-04:00", utc=True) == "2026-12-01T10:31:38.250Z"
    assert format_time("2026-12-01T02:31:38.000123Z") == "2026-12-01T03:31:38.000123+01:00"
    # a UTC source shown in UTC reads exactly as written
    assert format_time("2026-12-01T02:31:38.000001Z", utc=True) == "2026-12-01T02:31:38.000001Z"


def test_format_time_leaves_what_it_cannot_read() -> None:
    for text in ("yesterday", "", "2026-12-01T02:31:38Z and more", "12"):
        assert format_time(text) == text


def test_a_change_of_zone_is_followed() -> None:
    line = "2026-12-01 02:35:16 local"
    paris = parse_time(line, NOW)[0]
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    assert parse_time(line, NOW)[0] == paris + 6 * 3600
    assert format_epoch(utc(2026, 12, 1, 2, 35, 16), digits=0) == "2026-11-30T21:35:16-05:00"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("2026-12-01T02:35:16,5Z", "2026-12-01T03:35:16.5+01:00"),
        ("2026-12-01T02:35:16.123456789+0100", "2026-12-01T02:35:16.123456789+01:00"),
        ("2026-12-01 02:35:16", "2026-12-01T02:35:16+01:00"),  # no zone: local already
        ("2026-12-01T02:35:16.Z", "2026-12-01T02:35:16.Z"),
        ("2026-13-01T00:00:00Z", "2026-13-01T00:00:00Z"),
        ("2026-12-01T02:35:16Z trailing", "2026-12-01T02:35:16Z trailing"),
        ("2026-12-01T02:35:16+01:00:00", "2026-12-01T02:35:16+01:00:00"),
    ],
)
def test_format_time_shapes(text: str, shown: str) -> None:
    assert format_time(text) == shown
