"""Option values from the config file, checked by the command line's own parsers.

Top-level keys and the option keys of the profiles named on the command line become the
command's ``default_map``: a flag given on the command line still wins, then the profile,
then the top level, then the built-in default. Each value goes through the same parser as
the flag, so a bad value reads the same, prefixed with the file, line and key.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from logtail_tui.core.errors import UsageError

if TYPE_CHECKING:
    from logtail_tui.config_file import ConfigFile

CONFIG_ENV = "LOGTAIL_CONFIG"
"""Environment variable naming the config file (``--config`` wins over it)."""

NOT_IN_CONFIG = {
    "config": "the config file cannot name another one",
    "help": "it is not a setting",
    "version": "it is not a setting",
    "list-sources": "it is not a setting",
    "show-completion": "it is not a setting",
    "install-completion": "it is not a setting",
    "serve": "it is a way to run, not a setting (port and host may be set)",
    "token": "logtail keeps no token in its config; use token_env or token_command in a "
    "[sources.NAME] table",
}
"""Long options that make no sense as a default, and why."""

ConfigOpt = Annotated[
    str | None,
    typer.Option(
        "--config",
        envvar="LOGTAIL_CONFIG",
        show_envvar=True,
        metavar="PATH",
        help="Config file: option defaults, [sources.NAME] and [profiles.NAME] for @NAME "
        "(default $XDG_CONFIG_HOME/logtail/config.toml).",
        show_default=False,
    ),
]


def default_path() -> Path:
    """``$XDG_CONFIG_HOME/logtail/config.toml`` (``~/.config`` when unset)."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "logtail" / "config.toml"


def locate(explicit: str | None) -> tuple[Path, bool]:
    """The config file to read and whether the user named it (then it must exist)."""
    if explicit:
        return Path(explicit).expanduser(), True
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]).expanduser(), True
    return default_path(), False


def long_options(command: Any) -> dict[str, Any]:
    """The command's parameters by long option name (``max-lines``)."""
    found = {}
    for param in command.params:
        for opt in getattr(param, "opts", ()):
            if opt.startswith("--"):
                found[opt[2:]] = param
    return found


def prescan(command: Any, argv: Sequence[str]) -> tuple[str | None, list[str]]:
    """``--config``'s value and the ``@NAME`` arguments of ``argv``, before parsing it.

    Options that take a value skip it, so ``-s @x`` searches for ``@x``.
    """
    takes_value = set()
    for param in command.params:
        if param.param_type_name == "option" and not param.is_flag:
            takes_value.update(param.opts)
    config, names, i, args_only = None, [], 0, False
    while i < len(argv):
        word = argv[i]
        if args_only or word == "-" or not word.startswith("-"):
            if word.startswith("@"):
                names.append(word[1:])
        elif word == "--":
            args_only = True
        elif word.startswith("--config="):
            config = word.partition("=")[2]
        elif word in takes_value:
            if word == "--config" and i + 1 < len(argv):
                config = argv[i + 1]
            i += 1
        i += 1
    return config, names


def default_map(command: Any, config: ConfigFile, names: Sequence[str]) -> dict[str, Any]:
    """Validated defaults: the top level, overridden by each profile in ``names`` in turn.

    Raises:
        UsageError: for an unknown key or a value its option's parser refuses, naming the
            file, line and key.
    """
    params = long_options(command)
    ctx = typer.Context(command)
    layers = {(): config.defaults}
    layers |= {("profiles", n): p.options for n, p in config.profiles.items()}
    checked: dict[tuple[str, ...], dict[str, Any]] = {}
    for where, options in layers.items():  # every profile, so a typo never waits for its day
        checked[where] = {}
        for key, value in options.items():
            param = params.get(key)
            keys = (*where, key)
            if key in NOT_IN_CONFIG or param is None:
                why = NOT_IN_CONFIG.get(key) or "no option is called --" + key
                raise config.error(keys, f"unknown key ({why}); see 'logtail --help'.")
            checked[where][param.name] = _checked(config, keys, param, value, ctx)
    values = dict(checked[()])
    for name in names:
        values |= checked.get(("profiles", name), {})
    return values


def _checked(config: ConfigFile, keys: tuple[str, ...], param: Any, value: Any, ctx: Any) -> Any:
    """``value`` as the command line would have it, or a file/line/key error."""
    flag = f"--{keys[-1]}"
    if param.is_flag:
        if not isinstance(value, bool):
            raise config.error(keys, f"takes true or false, not {value!r}.")
        return value
    items = value if param.multiple and isinstance(value, list) else [value]
    for item in items:
        if isinstance(item, bool) or not isinstance(item, str | int | float):
            what = "a list" if isinstance(item, list) else "a table" if isinstance(item, dict) else repr(item)
            raise config.error(keys, f"takes a value as {flag} does, not {what}.")
    texts = [str(item) for item in items]
    try:
        for text in texts:
            param.type.convert(text, param, ctx)
    except UsageError as exc:
        raise config.error(keys, str(exc)) from None
    except Exception as exc:
        if not hasattr(exc, "format_message"):
            raise
        raise config.error(keys, f"{exc.format_message().rstrip('.')}.") from None
    return texts if param.multiple else texts[0]


def read(command: Any, argv: Sequence[str]) -> tuple[ConfigFile | None, dict[str, Any]]:
    """The config file for ``argv`` (``None`` when there is none to read) and the
    command's defaults from it."""
    explicit, names = prescan(command, argv)
    path, required = locate(explicit)
    if not (required or names or _present(path)):
        return None, {}  # the common case costs one stat, no TOML parser
    from logtail_tui.config_file import load

    config = load(path, required)
    return config, default_map(command, config, names)


def _present(path: Path) -> bool:
    """Whether the default config file exists; under a home this user cannot search (``sudo
    -u`` keeps ``HOME``), there is none to read rather than a traceback."""
    try:
        return path.exists()
    except OSError:
        return False
