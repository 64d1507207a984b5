"""--since / --until values: durations, absolute times, times of day, bad values."""

from __future__ import annotations

import pytest

from logtail_tui.cli import parse
from logtail_tui.core.errors import UsageError
from logtail_tui.core.time_range import parse_instant

NOW = 1_796_119_200.0  # 2026-12-01T10:00:00Z


@pytest.mark.parametrize(
    ("text", "back"),
    [("10m", 600), ("2h", 7200), ("1d", 86400), ("90s", 90), ("1h30m", 5400), ("500ms", 0.5)],
)
def test_durations_count_back_from_now(text: str, back: float) -> None:
    assert parse_instant(text, now=NOW) == pytest.approx(NOW - back)


def test_absolute_times() -> None:
    assert parse_instant("2026-12-01T10:00Z") == NOW
    assert parse_instant("2026-12-01T11:00+01:00") == NOW
    assert parse_instant("2026-12-01T10:00", utc=True) == NOW
    assert parse_instant("2026-12-01", utc=True) == NOW - 10 * 3600


def test_a_time_of_day_is_today_in_the_display_zone() -> None:
    assert parse_instant("08:30", utc=True, now=NOW) == NOW - 5400
    assert parse_instant("10:00:01.5", utc=True, now=NOW) == NOW + 1.5


@pytest.mark.parametrize("text", ["yesterday", "10x", "25:00", "2026-13-01"])
def test_bad_values_are_one_sentence(text: str) -> None:
    with pytest.raises(UsageError) as info:
        parse(["--since", text, "x.log"])
    message = str(info.value)
    assert message.startswith("--since: ") and message.endswith(".") and text in message
    assert "\n" not in message


def test_since_after_until_is_refused() -> None:
    with pytest.raises(UsageError, match="later than --until"):
        parse(["--since", "1h", "--until", "2h", "x.log"])


def test_settings_carry_the_range_and_merge_options() -> None:
    invocation = parse(
        [
            "--since",
            "2026-12-01T10:00Z",
            "--merge-by-time",
            "--reorder-window",
            "500ms",
            "a.log",
            "b.log",
        ]
    )
    assert invocation is not None
    s = invocation.settings
    assert (s.since, s.until, s.merge_by_time, s.reorder_window) == (NOW, None, True, 0.5)
