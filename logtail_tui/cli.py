"""Command line: builds the settings and specs at the edge, then runs the TUI or plain mode.

Exit status: 0 when every source ended normally, 1 when a source failed for good, 2 for a
usage error. Errors are one sentence on stderr, never a traceback.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING

import typer

from logtail_tui import __version__, completion, config_defaults
from logtail_tui import display_options as dopt
from logtail_tui import option_values as opt
from logtail_tui import time_options as topt
from logtail_tui.core.errors import LogtailError, UsageError
from logtail_tui.core.record import Level
from logtail_tui.core.settings import (
    DEFAULT_LINES,
    DEFAULT_MAX_LINE_LENGTH,
    DEFAULT_MAX_LINES,
    Settings,
)
from logtail_tui.sources.contract import Source, SourceSpec

if TYPE_CHECKING:
    from logtail_tui.ui.app import LogtailApp

app = typer.Typer(
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ALL_LINES_SCROLLBACK = 1 << 40
"""Scrollback for ``-n all`` when ``--max-lines`` is not given."""


@dataclass(frozen=True, slots=True)
class Invocation:
    """A parsed command line: what to follow and how."""

    specs: list[SourceSpec]
    settings: Settings
    serve: tuple[str, int] | None = None
    """``(host, port)`` with ``--serve``: show the TUI in browsers instead."""
    argv: tuple[str, ...] = ()
    """The command line as given, which each browser session of ``--serve`` runs."""


EXAMPLES = """\b
Examples:
  logtail /var/log/syslog                     follow a file, like tail -F
  logtail -n all -l warn app.log              whole file, warnings and worse
  kubectl logs -f deploy/api | logtail -      a pipe; keys still work
  logtail --token "$TOKEN" https://host/logs  a stream (SSE, NDJSON, text)
  logtail @oncall                             a profile from the config file
"""
"""Ends ``logtail --help`` (``\\b`` keeps click from re-wrapping it); tests parse each one."""


@app.command(epilog=EXAMPLES)
def logtail(
    ctx: typer.Context,
    sources: opt.SourcesOpt = None,
    lines: opt.LinesOpt = DEFAULT_LINES,
    max_lines: opt.MaxLinesOpt = None,
    max_line_length: opt.MaxLineLengthOpt = DEFAULT_MAX_LINE_LENGTH,
    header: opt.HeaderOpt = [],  # noqa: B006
    token: opt.TokenOpt = None,
    token_param: opt.TokenParamOpt = None,
    send: opt.SendOpt = [],  # noqa: B006
    resume_param: opt.ResumeParamOpt = None,
    level: opt.LevelOpt = Level.NONE,
    include: opt.IncludeOpt = [],  # noqa: B006
    exclude: opt.ExcludeOpt = [],  # noqa: B006
    where: opt.WhereOpt = None,
    search: opt.SearchOpt = None,
    follow: opt.FollowOpt = False,
    no_follow: opt.NoFollowOpt = False,
    plain: opt.PlainOpt = False,
    color: opt.ColorOpt = "auto",
    utc: opt.UtcOpt = False,
    theme: dopt.ThemeOpt = None,
    serve: dopt.ServeOpt = False,
    port: dopt.PortOpt = None,
    host: dopt.HostOpt = None,
    format: opt.FormatOpt = "auto",
    field: opt.FieldOpt = [],  # noqa: B006
    insecure: opt.InsecureOpt = False,
    cacert: opt.CacertOpt = None,
    timeout: opt.TimeoutOpt = 30.0,
    retries: opt.RetriesOpt = None,
    reconnect: opt.ReconnectOpt = False,
    option: opt.OptionOpt = [],  # noqa: B006
    since: topt.SinceOpt = None,
    until: topt.UntilOpt = None,
    merge_by_time: topt.MergeOpt = False,
    reorder_window: topt.WindowOpt = 0.2,
    config: config_defaults.ConfigOpt = None,
    list_sources: opt.ListSourcesOpt = False,
    version: opt.VersionOpt = False,
    show_completion: completion.ShowCompletionOpt = None,
    install_completion: completion.InstallCompletionOpt = None,
) -> Invocation | None:
    """Follow logs from files, stdin, commands, HTTP streams (SSE, NDJSON, text) and WebSockets.

    SOURCE is a PATH, file:PATH, - (stdin), http(s)://, sse+http(s)://, ws(s)://,
    cmd:COMMAND or demo: (see --list-sources), or @NAME, a source or profile of
    the config file; several may be given.
    """
    if version:
        print(f"logtail {__version__}")
        return None
    from logtail_tui.sources import registry

    # `parse` read the config file (--config was pre-scanned there) and hands it over.
    config_file = ctx.obj
    if isinstance(config_file, UsageError):
        raise config_file
    if list_sources:
        from logtail_tui import named_sources

        for scheme, target, desc, opts in registry.describe():
            print(f"{scheme + ':':<11} {desc}  ({target})")
            for line in opts:
                print(f"{'':<13}-o {line}")
        print("\n" + "\n".join(named_sources.describe(config_file)))
        return None
    if not sources:
        raise UsageError(
            "Give at least one SOURCE to follow, e.g. 'logtail app.log' or 'logtail demo:'."
        )
    if len(sources) > 255:
        raise UsageError("logtail follows at most 255 sources at once.")
    if max_lines is None:
        # `-n all` asks for the whole file: keep it, unless told otherwise.
        max_lines = ALL_LINES_SCROLLBACK if lines is None else DEFAULT_MAX_LINES
    if serve and plain:
        raise UsageError("--serve shows the TUI in a browser: drop --plain or --serve.")
    if not serve and any(_typed(ctx, name) for name in ("port", "host")):
        raise UsageError("--port and --host go with --serve.")  # as config defaults, they wait
    span = topt.time_range(since, until, utc)
    tty = sys.stdout.isatty() or serve  # served, the TUI runs in the browser, not on stdout
    settings = Settings(
        lines=lines,
        max_lines=max_lines,
        max_line_length=max_line_length,
        follow=not no_follow,
        format=format,
        field_map=MappingProxyType(dict(field)),
        headers=tuple(header),
        token=token or None,
        token_param=token_param or None,
        send=tuple(send),
        resume_param=resume_param or None,
        insecure=insecure,
        cacert=cacert or None,
        timeout=timeout,
        retries=retries,
        reconnect=reconnect,
        options=tuple(option),
        level=level,
        include=tuple(include),
        exclude=tuple(exclude),
        where=where or None,
        search=search or None,
        plain=plain or not tty,
        color=color == "always" or (color == "auto" and tty and "NO_COLOR" not in os.environ),
        utc=utc,
        since=span[0],
        until=span[1],
        merge_by_time=merge_by_time,
        reorder_window=reorder_window,
        theme=theme,
    )
    # Unknown schemes, bad targets (an empty cmd:) and -o values are usage errors here.
    if config_file is None and not any(text.startswith("@") for text in sources):
        specs = registry.resolve_all(sources, settings)
    else:
        from logtail_tui import named_sources

        specs = named_sources.resolve(sources, settings, config_file)
    if sum(spec.scheme == "stdin" for spec in specs) > 1:
        raise UsageError("Standard input ('-') can be given only once.")
    if serve and any(spec.scheme == "stdin" for spec in specs):
        raise UsageError("--serve cannot share standard input with browsers: give a file instead.")
    where = (host or "127.0.0.1", dopt.DEFAULT_PORT if port is None else port) if serve else None
    return Invocation(specs, settings, serve=where)


def _typed(ctx: typer.Context, name: str) -> bool:
    """Whether option ``name`` was given on the command line (not a config default)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


def parse(argv: Sequence[str] | None = None) -> Invocation | None:
    """Parse a command line; ``None`` when it was fully answered (``--version``, ``--help``).

    Raises:
        UsageError: or one of Typer's parser errors, for a bad command line.
    """
    command = typer.main.get_command(app)
    args = list(argv) if argv is not None else sys.argv[1:]
    if completion.completing():
        completion.init()  # the shell asks for completions: click answers and exits
        config_file, defaults = None, {}
    else:
        try:
            config_file, defaults = config_defaults.read(command, args)
        except UsageError as exc:
            # Raised by `logtail` unless --help, --version or --show-completion answer first.
            config_file, defaults = exc, {}
    result = command.main(
        args=args,
        prog_name="logtail",
        standalone_mode=False,
        default_map=defaults,
        obj=config_file,
    )
    if isinstance(result, Invocation) and result.serve is not None:
        return dataclasses.replace(result, argv=tuple(args))
    return result if isinstance(result, Invocation) else None


def build_app(
    invocation: Invocation, factory: Callable[[SourceSpec, Settings], Source] | None = None
) -> LogtailApp:
    """The TUI app for a parsed command line: `main` runs it, app tests drive it."""
    from logtail_tui.ui.run import make_app

    specs = [_attach_stdin(spec) for spec in invocation.specs]
    return make_app(specs, invocation.settings, factory)


def app_from_argv(
    argv: Sequence[str], factory: Callable[[SourceSpec, Settings], Source] | None = None
) -> LogtailApp:
    """`parse` then `build_app`: the TUI exactly as ``logtail ARGV...`` would build it."""
    invocation = parse(argv)
    if invocation is None:
        raise UsageError("That command line starts no TUI.")
    return build_app(invocation, factory)


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


def _run(invocation: Invocation | None, in_browser: bool = False) -> int:
    if invocation is None:
        return 0
    if in_browser:  # one browser session of --serve: this process is its TUI
        settings = dataclasses.replace(invocation.settings, plain=False)
        invocation = dataclasses.replace(invocation, settings=settings, serve=None)
    if invocation.serve is not None:
        from logtail_tui.ui.serve import serve
        from logtail_tui.ui.themes import check_theme

        check_theme(invocation.settings.theme)  # here, not in each browser session
        return serve(invocation.argv, *invocation.serve)
    if invocation.settings.plain:
        if invocation.settings.theme is not None:  # no colours to theme, but a typo is a typo
            from logtail_tui.ui.themes import check_theme

            check_theme(invocation.settings.theme)
        from logtail_tui.plain import run_plain

        return run_plain(invocation.specs, invocation.settings)
    from logtail_tui.ui.first_frame import FirstFrame
    from logtail_tui.ui.run import run_app

    with contextlib.ExitStack() as undo:  # the frame closed whatever happens
        frame = FirstFrame.draw(invocation.specs, invocation.settings)  # before Textual loads
        undo.callback(frame.close)
        from logtail_tui.sources import early_history  # after the frame: it imports asyncio

        undo.callback(early_history.abandon)
        early_history.begin(invocation.specs, invocation.settings)  # indexed as Textual loads
        app = build_app(invocation)
        frame.handed_over = True
        return run_app(app)


SERVE_ARGV_ENV = "LOGTAIL_SERVE_ARGV"
"""`ui.serve.ARGV_ENV`, named here so that a plain run need not import the server."""


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point; maps every error to one sentence and an exit status."""
    from logtail_tui.core.allocator import one_arena

    one_arena()  # before any thread: memory freed after a burst goes back (core/allocator.py)

    served = None
    if argv is None and SERVE_ARGV_ENV in os.environ:
        from logtail_tui.ui.serve import take_served_argv  # sockets and all: only if served

        served = take_served_argv()
    try:
        code = _run(parse(argv if served is None else served), in_browser=served is not None)
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
