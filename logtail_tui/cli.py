"""Command line: builds the settings and specs at the edge, then runs the TUI or plain mode.

Exit status: 0 when every source ended normally, 1 when a source failed for good, 2 for a
usage error. Errors are one sentence on stderr, never a traceback.
"""

from __future__ import annotations

import dataclasses
import os
import sys
from types import MappingProxyType
from typing import Annotated

import typer

from logtail_tui import __version__
from logtail_tui.core.errors import LogtailError, UsageError
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.record import Level
from logtail_tui.core.settings import DEFAULT_MAX_LINE_LENGTH, DEFAULT_MAX_LINES, Settings
from logtail_tui.sources.contract import SourceSpec
from logtail_tui.sources.options import split_pairs

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ALL_LINES_SCROLLBACK = 1 << 40
"""Scrollback for ``-n all`` when ``--max-lines`` is not given."""
NET = "Network"
VIEW = "Filtering and view"


def _lines(value: str) -> int | None:
    if value.lower() == "all":
        return None
    try:
        n = int(value)
    except ValueError:
        raise UsageError(f"--lines takes a number or 'all', not {value!r}.") from None
    if n < 0:
        raise UsageError("--lines cannot be negative; use 0 to start at the end of the file.")
    return n


def _pairs(values: list[str], option: str, sep: str) -> tuple[tuple[str, str], ...]:
    out = []
    for value in values:
        name, found, rest = value.partition(sep)
        if not found or not name.strip():
            example = "'X-Api-Key: abc'" if sep == ":" else "message=msg"
            raise UsageError(
                f"{option} takes NAME{sep}VALUE (for example {example}), not {value!r}."
            )
        out.append((name.strip(), rest.strip()))
    return tuple(out)


def _build_settings(**o: object) -> Settings:
    fields = dict(_pairs(o["field"], "--field", "="))  # type: ignore[arg-type]
    unknown = set(fields) - {"message", "level", "time"}
    if unknown:
        raise UsageError(
            f"--field knows message, level and time, not {', '.join(sorted(unknown))}."
        )
    try:
        level = Level.parse(o["level"]) if o["level"] else Level.NONE  # type: ignore[arg-type]
        LineFilter.build(level, o["include"], o["exclude"])  # type: ignore[arg-type]
    except ValueError as exc:
        raise UsageError(f"{str(exc)[0].upper()}{str(exc)[1:]}.") from None
    if o["format"] not in {"auto", "text", "json", "logfmt"}:
        raise UsageError(f"--format is one of auto, text, json, logfmt, not {o['format']!r}.")
    if o["cacert"] and not os.path.isfile(str(o["cacert"])):
        raise UsageError(f"--cacert {o['cacert']}: no such file; give a PEM bundle.")
    color = str(o["color"])
    if color not in {"auto", "always", "never"}:
        raise UsageError(f"--color is one of auto, always, never, not {color!r}.")
    plain = bool(o["plain"]) or not sys.stdout.isatty()
    use_color = color == "always" or (
        color == "auto" and sys.stdout.isatty() and "NO_COLOR" not in os.environ
    )
    lines = _lines(str(o["lines"]))
    max_lines = o["max_lines"]
    if max_lines is None:
        # `-n all` asks for the whole file: keep it, unless told otherwise.
        max_lines = ALL_LINES_SCROLLBACK if lines is None else DEFAULT_MAX_LINES
    if int(max_lines) < 1:  # type: ignore[call-overload]
        raise UsageError("--max-lines must be at least 1.")
    from logtail_tui.core.parse import LineParser

    LineParser(str(o["format"]), fields)  # a bad --format or --field is a usage error now
    return Settings(
        lines=lines,
        max_lines=int(max_lines),  # type: ignore[call-overload]
        max_line_length=int(o["max_line_length"]),  # type: ignore[call-overload]
        follow=not o["no_follow"],
        format=str(o["format"]),
        field_map=MappingProxyType(fields),
        headers=_pairs(o["header"], "--header", ":"),  # type: ignore[arg-type]
        token=o["token"] or None,  # type: ignore[arg-type]
        token_param=o["token_param"] or None,  # type: ignore[arg-type]
        send=tuple(o["send"]),  # type: ignore[call-overload]
        resume_param=o["resume_param"] or None,  # type: ignore[arg-type]
        insecure=bool(o["insecure"]),
        cacert=o["cacert"] or None,  # type: ignore[arg-type]
        timeout=float(o["timeout"]),  # type: ignore[arg-type]
        retries=o["retries"],  # type: ignore[arg-type]
        reconnect=bool(o["reconnect"]),
        options=split_pairs(o["option"]),  # type: ignore[arg-type]
        level=level,
        include=tuple(o["include"]),  # type: ignore[call-overload]
        exclude=tuple(o["exclude"]),  # type: ignore[call-overload]
        search=o["search"] or None,  # type: ignore[arg-type]
        plain=plain,
        color=use_color,
        utc=bool(o["utc"]),
    )


@app.command()
def logtail(
    sources: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="SOURCE...",
            help="PATH, file:PATH, -, http(s)://, sse+http(s)://, ws(s)://, cmd:COMMAND, demo:",
        ),
    ] = None,
    lines: Annotated[
        str, typer.Option("--lines", "-n", help="History to load from files at start: N or all.")
    ] = "1000",
    max_lines: Annotated[
        int | None,
        typer.Option(
            "--max-lines",
            help="Scrollback kept; older lines are evicted and counted (default 1000000; the whole file with -n all).",
            show_default=False,
        ),
    ] = None,
    max_line_length: Annotated[
        int, typer.Option("--max-line-length", help="Longer lines are split into marked pieces.")
    ] = DEFAULT_MAX_LINE_LENGTH,
    header: Annotated[
        list[str],
        typer.Option(
            "--header",
            "-H",
            help="Extra request header 'Name: value' (repeatable).",
            rich_help_panel=NET,
        ),
    ] = [],  # noqa: B006
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            envvar="LOGTAIL_TOKEN",
            show_envvar=True,
            help="Sent as Authorization: Bearer TOKEN.",
            rich_help_panel=NET,
        ),
    ] = None,
    token_param: Annotated[
        str | None,
        typer.Option(
            "--token-param",
            help="Send the token as this query parameter instead.",
            rich_help_panel=NET,
        ),
    ] = None,
    send: Annotated[
        list[str],
        typer.Option(
            "--send",
            help="WebSocket message sent after every (re)connect (repeatable).",
            rich_help_panel=NET,
        ),
    ] = [],  # noqa: B006
    resume_param: Annotated[
        str | None,
        typer.Option(
            "--resume-param",
            help="On reconnect, set this query parameter to the last record's timestamp.",
            rich_help_panel=NET,
        ),
    ] = None,
    level: Annotated[
        str | None, typer.Option("--level", "-l", help="Minimum level shown.", rich_help_panel=VIEW)
    ] = None,
    include: Annotated[
        list[str],
        typer.Option(
            "--include",
            "-i",
            help="Show only lines matching REGEX (repeatable).",
            rich_help_panel=VIEW,
        ),
    ] = [],  # noqa: B006
    exclude: Annotated[
        list[str],
        typer.Option(
            "--exclude", "-e", help="Hide lines matching REGEX (repeatable).", rich_help_panel=VIEW
        ),
    ] = [],  # noqa: B006
    search: Annotated[
        str | None, typer.Option("--search", "-s", help="Initial search.", rich_help_panel=VIEW)
    ] = None,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow", "-f", "-F", help="Accepted for tail habits; following is the default."
        ),
    ] = False,
    no_follow: Annotated[
        bool, typer.Option("--no-follow", help="Read what is there and exit.")
    ] = False,
    plain: Annotated[
        bool,
        typer.Option(
            "--plain",
            help="No TUI: print lines to stdout (automatic when stdout is not a terminal).",
        ),
    ] = False,
    color: Annotated[
        str, typer.Option("--color", help="Plain mode colour: auto, always or never.")
    ] = "auto",
    utc: Annotated[
        bool, typer.Option("--utc", help="Show record times in UTC (default: local time).")
    ] = False,
    format: Annotated[
        str, typer.Option("--format", help="Parsing: auto, text, json or logfmt.")
    ] = "auto",
    field: Annotated[
        list[str], typer.Option("--field", help="Field mapping such as message=msg (repeatable).")
    ] = [],  # noqa: B006
    insecure: Annotated[
        bool,
        typer.Option("--insecure", help="Do not verify TLS certificates.", rich_help_panel=NET),
    ] = False,
    cacert: Annotated[
        str | None,
        typer.Option("--cacert", help="CA bundle (PEM) to verify TLS with.", rich_help_panel=NET),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Connect timeout in seconds.", rich_help_panel=NET)
    ] = 30.0,
    retries: Annotated[
        int | None,
        typer.Option(
            "--retries",
            help="Give up after N failed reconnects in a row (default: never).",
            rich_help_panel=NET,
        ),
    ] = None,
    reconnect: Annotated[
        bool,
        typer.Option(
            "--reconnect",
            help="Fetch an HTTP NDJSON or text stream again after it ends (poll).",
            rich_help_panel=NET,
        ),
    ] = False,
    option: Annotated[
        list[str],
        typer.Option(
            "--option",
            "-o",
            metavar="NAME=VALUE",
            help="Adapter option NAME=VALUE or SCHEME.NAME=VALUE (repeatable; see --list-sources).",
        ),
    ] = [],  # noqa: B006
    list_sources: Annotated[
        bool, typer.Option("--list-sources", help="List the installed source adapters and exit.")
    ] = False,
    version: Annotated[bool, typer.Option("--version", help="Print the version and exit.")] = False,
) -> None:
    """Follow logs from files, stdin, commands, HTTP streams (SSE, NDJSON, text) and WebSockets."""
    if version:
        print(f"logtail {__version__}")
        raise typer.Exit(0)
    from logtail_tui.sources import registry

    if list_sources:
        for scheme, target, desc, opts in registry.describe():
            print(f"{scheme + ':':<11} {desc}  ({target})")
            for line in opts:
                print(f"{'':<13}-o {line}")
        raise typer.Exit(0)
    if not sources:
        raise UsageError(
            "Give at least one SOURCE to follow, e.g. 'logtail app.log' or 'logtail demo:'."
        )
    if len(sources) > 255:
        raise UsageError("logtail follows at most 255 sources at once.")
    settings = _build_settings(
        **{k: v for k, v in locals().items() if k not in {"sources", "registry"}}
    )
    specs = registry.resolve_all(sources, settings)
    if sum(spec.scheme == "stdin" for spec in specs) > 1:
        raise UsageError("Standard input ('-') can be given only once.")
    if settings.plain:
        from logtail_tui.plain import run_plain

        raise typer.Exit(run_plain(specs, settings))
    specs = [_attach_stdin(spec) for spec in specs]
    from logtail_tui.ui.run import run_tui

    raise typer.Exit(run_tui(specs, settings))


def _attach_stdin(spec: SourceSpec) -> SourceSpec:
    """In the TUI, keys must come from the terminal while the log comes through the pipe."""
    if spec.scheme != "stdin":
        return spec
    if spec.target == "-" and os.isatty(0):
        raise UsageError(
            "Standard input is the terminal, not a pipe: pipe logs in "
            "(command | logtail -) or give a file."
        )
    from logtail_tui.sources.stdin import reattach_terminal

    return dataclasses.replace(spec, target=reattach_terminal())


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point; maps every error to one sentence and an exit status."""
    command = typer.main.get_command(app)
    try:
        code = command.main(args=argv, prog_name="logtail", standalone_mode=False)
    except LogtailError as exc:
        print(f"logtail: {exc}", file=sys.stderr)
        code = 2 if isinstance(exc, UsageError) else 1
    except typer.Exit as exc:
        code = exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        code = 130
    except Exception as exc:
        # Typer's parser errors (vendored click in new typer, click in old) share this shape.
        if not (hasattr(exc, "format_message") and hasattr(exc, "exit_code")):
            raise
        if type(exc).__name__ == "Exit":
            code = exc.exit_code
        else:
            hint = "; run 'logtail --help' for usage."
            print(f"logtail: {exc.format_message().rstrip('.')}{hint}", file=sys.stderr)
            code = 2
    sys.exit(code if isinstance(code, int) else 0)
