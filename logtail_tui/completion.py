"""Shell completion for bash, zsh and fish: typer's scripts, our own completions.

``--show-completion SHELL`` prints the script and ``--install-completion [SHELL]`` installs
it (typer's installers). The script calls ``logtail`` back with ``_LOGTAIL_COMPLETE`` set;
click then completes options itself and asks `complete_source` for SOURCE arguments:
``@NAME``s from the config file, ``scheme:`` prefixes of the installed adapters, and paths
(listed here, since a shell shows only what we return once we return anything).
"""

from __future__ import annotations

import glob
import itertools
import os
from typing import Annotated, Any

import typer

COMPLETE_VAR = "_LOGTAIL_COMPLETE"
"""The environment variable the shell scripts set when they ask for completions."""
SHELLS = ("bash", "zsh", "fish")
MAX_PATHS = 200
"""Paths offered at most (a huge directory must not stall the shell)."""


def completing() -> bool:
    """Whether this run only answers a shell's completion request."""
    return bool(os.environ.get(COMPLETE_VAR))


def init() -> None:
    """Register typer's bash, zsh and fish completion classes (they match its scripts)."""
    from typer.completion import completion_init

    completion_init()


def _script(shell: str) -> str:
    from typer.completion import get_completion_script

    return get_completion_script(prog_name="logtail", complete_var=COMPLETE_VAR, shell=shell)


def _check_shell(value: str) -> str:
    from logtail_tui.core.errors import UsageError

    if value not in SHELLS:
        raise UsageError(f"Completion is available for {', '.join(SHELLS)}, not {value!r}.")
    return value


def show(value: str | None) -> None:
    """``--show-completion SHELL``: print the script and stop."""
    if value:
        print(_script(_check_shell(value)))
        raise SystemExit(0)


def install(value: str | None) -> None:
    """``--install-completion [SHELL]``: install the script for SHELL (default: this shell)."""
    if value is None:
        return
    from typer.completion import install as typer_install

    shell = _check_shell(value) if value != "auto" else None
    init()
    shell_name, path = typer_install(shell=shell, prog_name="logtail", complete_var=COMPLETE_VAR)
    print(f"{shell_name} completion installed in {path}; it takes effect in a new shell.")
    raise SystemExit(0)


def complete_source(ctx: Any, incomplete: str) -> list[tuple[str, str]]:
    """Completions of a SOURCE argument: ``@NAME``s, ``scheme:`` prefixes and paths."""
    if incomplete.startswith("@"):
        return [item for item in _names(ctx) if item[0].startswith(incomplete)]
    out: list[tuple[str, str]] = []
    if ":" not in incomplete and "/" not in incomplete:
        from logtail_tui.sources import registry

        out += [(f"{s}:", "") for s in registry.schemes() if f"{s}:".startswith(incomplete)]
        if not incomplete:
            out += _names(ctx)
    if ":" not in incomplete or os.path.exists(os.path.dirname(incomplete) or "."):
        out += _paths(incomplete)
    return out


def _names(ctx: Any) -> list[tuple[str, str]]:
    """``@NAME``s of the config file (``--config`` as typed so far); none if it is broken."""
    from logtail_tui.config_defaults import locate
    from logtail_tui.config_file import load
    from logtail_tui.core.errors import UsageError
    from logtail_tui.sources.redact import redact

    params = getattr(ctx, "params", None) or {}
    try:
        config = load(*locate(params.get("config")))
    except UsageError:
        return []
    items = [(f"@{n}", redact(s.target)) for n, s in config.sources.items()]
    return items + [(f"@{n}", "profile") for n in config.profiles]


def _paths(incomplete: str) -> list[tuple[str, str]]:
    found = []
    pattern = glob.escape(os.path.expanduser(incomplete)) + "*"
    for path in sorted(itertools.islice(glob.iglob(pattern), MAX_PATHS)):
        shown = "~" + path[len(os.path.expanduser("~")) :] if incomplete.startswith("~") else path
        found.append((shown + "/" if os.path.isdir(path) else shown, ""))
    return found

ShowCompletionOpt = Annotated[
    str | None,
    typer.Option(
        "--show-completion",
        metavar="SHELL",
        callback=show,
        is_eager=True,
        help="Print the completion script for bash, zsh or fish and exit.",
    ),
]

InstallCompletionOpt = Annotated[
    str | None,
    typer.Option(
        "--install-completion",
        metavar="[SHELL]",
        callback=install,
        is_eager=True,
        is_flag=False,
        flag_value="auto",
        help="Install completion for SHELL (default: the current shell) and exit.",
    ),
]
