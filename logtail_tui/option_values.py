"""The command's options: each declared once as a typed annotation with its parser.

A parser turns typed text into a typed value or raises `UsageError` with one sentence
(exit status 2). Typer also passes defaults through the parsers, so each accepts its
already-typed default unchanged. `cli.logtail` only names these annotations.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Annotated, NamedTuple

import typer

from logtail_tui import completion
from logtail_tui.core.errors import UsageError
from logtail_tui.core.filters import compile_pattern
from logtail_tui.core.parse import FORMATS
from logtail_tui.core.record import Level
from logtail_tui.sources.options import split_pairs

FIELDS = ("message", "level", "time")
"""Meanings ``--field`` can map to a key."""
COLORS = ("auto", "always", "never")
NET = "Network"
VIEW = "Filtering and view"


class Pair(NamedTuple):
    """A ``NAME: VALUE`` header or a ``meaning=key`` field mapping."""

    name: str
    value: str


def _sentence(exc: ValueError) -> str:
    text = str(exc)
    return f"{text[0].upper()}{text[1:]}."


def parse_lines(value: str | int) -> int | None:
    value = str(value)
    if value.lower() == "all":
        return None
    try:
        n = int(value)
    except ValueError:
        raise UsageError(f"--lines takes a number or 'all', not {value!r}.") from None
    if n < 0:
        raise UsageError("--lines cannot be negative; use 0 to start at the end of the file.")
    return n


def parse_max_lines(value: str | int) -> int:
    try:
        n = int(value)
    except ValueError:
        raise UsageError(f"--max-lines takes a number, not {value!r}.") from None
    if n < 1:
        raise UsageError("--max-lines must be at least 1.")
    return n


def parse_header(value: str | Pair) -> Pair:
    if isinstance(value, Pair):
        return value
    name, found, rest = value.partition(":")
    if not found or not name.strip():
        raise UsageError(
            f"--header takes NAME:VALUE (for example 'X-Api-Key: abc'), not {value!r}."
        )
    return Pair(name.strip(), rest.strip())


def parse_field(value: str | Pair) -> Pair:
    if isinstance(value, Pair):
        return value
    name, found, rest = value.partition("=")
    if not found or not name.strip():
        raise UsageError(f"--field takes NAME=VALUE (for example message=msg), not {value!r}.")
    if name.strip() not in FIELDS:
        raise UsageError(f"--field knows message, level and time, not {name.strip()}.")
    if not rest.strip():
        raise UsageError(f"--field {value} names no key: write e.g. {name.strip()}=msg.")
    return Pair(name.strip(), rest.strip())


def parse_level(value: str | Level) -> Level:
    if isinstance(value, Level):
        return value
    if not value.strip():
        return Level.NONE
    try:
        return Level.parse(value)
    except ValueError as exc:
        raise UsageError(_sentence(exc)) from None


def parse_adapter_option(value: str | Pair) -> Pair:
    if isinstance(value, Pair):
        return value
    return Pair(*split_pairs([value])[0])


def regex(option: str) -> Callable[[str], str]:
    def check(value: str) -> str:
        try:
            compile_pattern(value, option)
        except ValueError as exc:
            raise UsageError(_sentence(exc)) from None
        return value

    return check


def choice(option: str, choices: Sequence[str]) -> Callable[[str], str]:
    def check(value: str) -> str:
        if value not in choices:
            raise UsageError(f"{option} is one of {', '.join(choices)}, not {value!r}.")
        return value

    return check


def parse_where(value: str) -> str:
    """Check a ``-w`` expression now, so a typo is exit status 2 with a caret under it."""
    from logtail_tui.core.where import ParseError  # -w only: 30 ms of every start
    from logtail_tui.core.where_eval import Where

    try:
        Where.build(value)
    except ParseError as exc:
        raise UsageError(
            f"--where: {exc.message} (column {exc.position + 1}).\n{exc.caret()}"
        ) from None
    return value


def parse_cacert(value: str) -> str:
    if not os.path.isfile(value):
        raise UsageError(f"--cacert {value}: no such file; give a PEM bundle.")
    return value


# -- every option of the command, with its parser, metavar and help --------------------
SourcesOpt = Annotated[
    list[str] | None,
    typer.Argument(metavar="SOURCE...", hidden=True, autocompletion=completion.complete_source),
]

LinesOpt = Annotated[
    int | None,
    typer.Option(
        "--lines",
        "-n",
        parser=parse_lines,
        metavar="N|all",
        help="History to load from files at start: N or all.",
    ),
]

MaxLinesOpt = Annotated[
    int | None,
    typer.Option(
        "--max-lines",
        parser=parse_max_lines,
        metavar="N",
        help="Scrollback kept; older lines are evicted and counted (default 1000000; the whole file with -n all).",
        show_default=False,
    ),
]

MaxLineLengthOpt = Annotated[
    int,
    typer.Option(
        "--max-line-length", metavar="N", help="Longer lines are split into marked pieces."
    ),
]

HeaderOpt = Annotated[
    list[Pair],
    typer.Option(
        "--header",
        "-H",
        parser=parse_header,
        metavar="'NAME: VALUE'",
        help="Extra request header (repeatable).",
        rich_help_panel=NET,
    ),
]

TokenOpt = Annotated[
    str | None,
    typer.Option(
        "--token",
        envvar="LOGTAIL_TOKEN",
        show_envvar=True,
        metavar="TOKEN",
        help="Sent as Authorization: Bearer TOKEN.",
        rich_help_panel=NET,
    ),
]

TokenParamOpt = Annotated[
    str | None,
    typer.Option(
        "--token-param",
        metavar="NAME",
        help="Send the token as this query parameter instead.",
        rich_help_panel=NET,
    ),
]

SendOpt = Annotated[
    list[str],
    typer.Option(
        "--send",
        metavar="TEXT",
        help="WebSocket message sent after every (re)connect (repeatable).",
        rich_help_panel=NET,
    ),
]

ResumeParamOpt = Annotated[
    str | None,
    typer.Option(
        "--resume-param",
        metavar="NAME",
        help="On reconnect, set this query parameter to the last record's timestamp.",
        rich_help_panel=NET,
    ),
]

LevelOpt = Annotated[
    Level,
    typer.Option(
        "--level",
        "-l",
        parser=parse_level,
        metavar="LEVEL",
        help="Minimum level shown (trace, debug, info, notice, warn, error, crit).",
        show_default=False,
        rich_help_panel=VIEW,
    ),
]

IncludeOpt = Annotated[
    list[str],
    typer.Option(
        "--include",
        "-i",
        parser=regex("include"),
        metavar="REGEX",
        help="Show only lines matching REGEX (repeatable).",
        rich_help_panel=VIEW,
    ),
]

ExcludeOpt = Annotated[
    list[str],
    typer.Option(
        "--exclude",
        "-e",
        parser=regex("exclude"),
        metavar="REGEX",
        help="Hide lines matching REGEX (repeatable).",
        rich_help_panel=VIEW,
    ),
]

WhereOpt = Annotated[
    str | None,
    typer.Option(
        "--where",
        "-w",
        parser=parse_where,
        metavar="EXPR",
        help="Show only records whose fields match EXPR, e.g. 'status>=500 and path~^/api'.",
        rich_help_panel=VIEW,
    ),
]

SearchOpt = Annotated[
    str | None,
    typer.Option("--search", "-s", metavar="TEXT", help="Initial search.", rich_help_panel=VIEW),
]

FollowOpt = Annotated[
    bool,
    typer.Option(
        "--follow", "-f", "-F", help="Accepted for tail habits; following is the default."
    ),
]

NoFollowOpt = Annotated[bool, typer.Option("--no-follow", help="Read what is there and exit.")]

PlainOpt = Annotated[
    bool,
    typer.Option(
        "--plain",
        help="No TUI: print lines to stdout (automatic when stdout is not a terminal).",
    ),
]

ColorOpt = Annotated[
    str,
    typer.Option(
        "--color",
        parser=choice("--color", COLORS),
        metavar="auto|always|never",
        help="Plain mode colour.",
    ),
]

UtcOpt = Annotated[
    bool, typer.Option("--utc", help="Show record times in UTC (default: local time).")
]

FormatOpt = Annotated[
    str,
    typer.Option(
        "--format",
        parser=choice("--format", FORMATS),
        metavar="|".join(FORMATS),
        help="How to parse lines.",
    ),
]

FieldOpt = Annotated[
    list[Pair],
    typer.Option(
        "--field",
        parser=parse_field,
        metavar="MEANING=KEY",
        help="Which key holds the message, level or time, e.g. message=msg (repeatable).",
    ),
]

InsecureOpt = Annotated[
    bool,
    typer.Option("--insecure", help="Do not verify TLS certificates.", rich_help_panel=NET),
]

CacertOpt = Annotated[
    str | None,
    typer.Option(
        "--cacert",
        parser=parse_cacert,
        metavar="PEM",
        help="CA bundle to verify TLS with.",
        rich_help_panel=NET,
    ),
]

TimeoutOpt = Annotated[
    float,
    typer.Option("--timeout", metavar="SECONDS", help="Connect timeout.", rich_help_panel=NET),
]

RetriesOpt = Annotated[
    int | None,
    typer.Option(
        "--retries",
        metavar="N",
        help="Give up after N failed reconnects in a row (default: never).",
        rich_help_panel=NET,
    ),
]

ReconnectOpt = Annotated[
    bool,
    typer.Option(
        "--reconnect",
        help="Fetch an HTTP NDJSON or text stream again after it ends (poll).",
        rich_help_panel=NET,
    ),
]

OptionOpt = Annotated[
    list[Pair],
    typer.Option(
        "--option",
        "-o",
        parser=parse_adapter_option,
        metavar="NAME=VALUE",
        help="Adapter option NAME=VALUE or SCHEME.NAME=VALUE (repeatable; see --list-sources).",
    ),
]

ListSourcesOpt = Annotated[
    bool, typer.Option("--list-sources", help="List the installed source adapters and exit.")
]

VersionOpt = Annotated[bool, typer.Option("--version", help="Print the version and exit.")]
