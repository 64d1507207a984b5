"""The command line becomes one typed Settings object in one pass (`cli.parse`)."""

from __future__ import annotations

import re

import pytest

from logtail_tui.cli import ALL_LINES_SCROLLBACK, parse
from logtail_tui.core.errors import UsageError
from logtail_tui.core.record import Level
from logtail_tui.core.settings import DEFAULT_MAX_LINES


def test_options_arrive_typed() -> None:
    invocation = parse(
        [
            "-n", "50", "-l", "warn", "-i", "api", "-i", "db", "-e", "health",
            "-H", "X-Api-Key: abc", "--field", "message=msg", "--format", "json",
            "--timeout", "2.5", "--retries", "3", "--no-follow", "-s", "boom", "demo:",
        ]
    )  # fmt: skip
    assert invocation is not None
    settings = invocation.settings
    assert settings.lines == 50 and settings.max_lines == DEFAULT_MAX_LINES
    assert settings.level is Level.WARNING
    assert settings.include == ("api", "db") and settings.exclude == ("health",)
    assert settings.headers == (("X-Api-Key", "abc"),)
    assert dict(settings.field_map) == {"message": "msg"}
    assert settings.format == "json" and settings.timeout == 2.5 and settings.retries == 3
    assert not settings.follow and settings.search == "boom"
    assert [spec.scheme for spec in invocation.specs] == ["demo"]


def test_defaults_and_all_lines() -> None:
    invocation = parse(["demo:"])
    assert invocation is not None
    assert invocation.settings.lines == 1000 and invocation.settings.level is Level.NONE
    invocation = parse(["-n", "all", "demo:"])
    assert invocation is not None
    assert invocation.settings.lines is None
    assert invocation.settings.max_lines == ALL_LINES_SCROLLBACK
    invocation = parse(["-n", "all", "--max-lines", "7", "demo:"])
    assert invocation is not None and invocation.settings.max_lines == 7


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["cmd:"], "No command given after 'cmd:'"),
        (["--format", "yaml", "x"], "--format is one of auto, text, json, logfmt"),
        (["-l", "loud", "x"], "Unknown level 'loud'"),
        (["-e", "[", "x"], "Invalid exclude regex"),
        (["--field", "colour=c", "x"], "--field knows message, level and time"),
        (["--field", "message=", "x"], "names no key"),
        (["-n", "-3", "x"], "--lines cannot be negative"),
    ],
)
def test_bad_values_are_one_usage_sentence(argv: list[str], words: str) -> None:
    with pytest.raises(UsageError, match=re.escape(words)):
        parse(argv)


def test_version_is_answered_without_an_invocation(capsys: pytest.CaptureFixture[str]) -> None:
    assert parse(["--version"]) is None
    assert capsys.readouterr().out.startswith("logtail ")
