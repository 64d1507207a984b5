"""The user's config file: where it is, and its shape checked key by key (docs/architecture.md,
"Configuration"). Imported only when there is a config file or an ``@NAME`` to look up.

``tomllib`` reports no line numbers for keys, so `ConfigFile.where` finds the line of a
table or key by scanning the text: every error names the file, the line and the key.
Values of options are checked later by the command line's own parsers
(`config_defaults`), adapter options by the adapter's declared options (`named_sources`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from logtail_tui.config_defaults import CONFIG_ENV
from logtail_tui.core.errors import UsageError

SOURCE_KEYS = ("target", "label", "headers", "token_env", "token_command", "token_param")
"""Keys of a ``[sources.NAME]`` table besides its adapter's options."""
_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY = re.compile(r"""^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_-]+)\s*[=.]""")


@dataclass(frozen=True, slots=True)
class NamedSource:
    """A ``[sources.NAME]`` table: one thing to follow, with its own credentials.

    Attributes:
        options: The adapter's options as written (checked when the source is used).
        token_command: The program and its arguments, run without a shell.
    """

    name: str
    target: str
    label: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    token_env: str | None = None
    token_command: tuple[str, ...] = ()
    token_param: str | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Profile:
    """A ``[profiles.NAME]`` table: several sources (names or targets) plus option values."""

    name: str
    sources: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ConfigFile:
    """A parsed, shape-checked config file (empty when there is none).

    Attributes:
        defaults: Top-level option values by long option name (``max-lines``).
    """

    path: Path
    text: str | None = None
    """The file's text; ``None`` when there is no file."""
    defaults: dict[str, Any] = field(default_factory=dict)
    sources: dict[str, NamedSource] = field(default_factory=dict)
    profiles: dict[str, Profile] = field(default_factory=dict)

    def where(self, *keys: str) -> str:
        """``PATH, line N, key 'a.b'`` for the table or key at ``keys``."""
        return f"{self.path}, line {line_of(self.text or '', keys)}, key '{'.'.join(keys)}'"

    def error(self, keys: tuple[str, ...], problem: str) -> UsageError:
        """One sentence naming the file, line and key, then what is wrong and what to do."""
        return UsageError(f"{self.where(*keys)}: {problem}")


def load(path: Path, required: bool) -> ConfigFile:
    """Read and shape-check ``path``; a missing file is an empty config unless ``required``.

    Raises:
        UsageError: for a file that cannot be read, bad TOML, an unknown key or a value
            of the wrong type, naming the file, line and key.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise UsageError(
                f"The config file {path} does not exist; create it or fix --config / ${CONFIG_ENV}."
            ) from None
        return ConfigFile(path)
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "it is not UTF-8 text"
        raise UsageError(f"The config file {path} cannot be read ({reason}); fix it.") from None
    return parse(path, text)


def parse(path: Path, text: str) -> ConfigFile:
    """Shape-check the TOML ``text`` of the config file at ``path`` (named in errors).

    Raises:
        UsageError: as `load`.
    """
    import tomllib

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{path}: {_toml_message(exc, text)}; fix the TOML syntax.") from None
    return _build(ConfigFile(path, text), data)


def _toml_message(exc: Exception, source: str) -> str:
    # "Expected '=' ... (at line 3, column 7)" -> "line 3: expected '=' ... (column 7)"
    text = str(exc)
    m = re.search(r"\(at line (\d+), column (\d+)\)", text)
    end = re.search(r"\(at end of document\)", text)
    body = text[: (m or end).start()].strip() if (m or end) else text
    body = body[:1].lower() + body[1:]
    if m:
        return f"line {m.group(1)}: {body} (column {m.group(2)})"
    if end:
        return f"line {source.count(chr(10)) + 1}: {body} at the end of the file"
    return body


def _build(config: ConfigFile, data: dict[str, Any]) -> ConfigFile:
    for key, value in data.items():
        if key in ("sources", "profiles"):
            _expect(config, (key,), value, dict, "a table of [" + key + ".NAME] tables")
            for name, table in value.items():
                _expect(config, (key, name), table, dict, f"a [{key}.NAME] table")
                if key == "sources":
                    config.sources[name] = _source(config, name, table)
                else:
                    config.profiles[name] = _profile(config, name, table)
        elif isinstance(value, dict):
            raise config.error(
                (key,), "unknown table; the config knows [sources.NAME] and [profiles.NAME]."
            )
        else:
            config.defaults[key] = value
    for name in config.sources.keys() & config.profiles.keys():
        raise config.error(
            ("profiles", name), f"a source is also named {name!r}; give one of them another name."
        )
    return config


def _expect(config: ConfigFile, keys: tuple[str, ...], value: Any, kind: type, what: str) -> None:
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
        raise config.error(keys, f"takes {what}, not {_shown(value)}.")


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _source(config: ConfigFile, name: str, table: dict[str, Any]) -> NamedSource:
    at = ("sources", name)
    if "target" not in table:
        raise config.error(at, "names no target; add target = \"PATH or URL\".")
    for key in ("target", "label", "token_env", "token_param"):
        if key in table:
            _expect(config, (*at, key), table[key], str, "a string")
    headers = table.get("headers", {})
    _expect(config, (*at, "headers"), headers, dict, 'a table like { "X-Team" = "core" }')
    for header, value in headers.items():
        _expect(config, (*at, "headers", header), value, str, "a string")
    if "token" in table:
        raise config.error(
            (*at, "token"),
            "logtail keeps no token in its config; use token_env = \"VAR\" or "
            "token_command = \"pass show NAME\".",
        )
    if "token_env" in table and "token_command" in table:
        raise config.error((*at, "token_command"), "give token_env or token_command, not both.")
    command = table.get("token_command", [])
    if isinstance(command, str):
        import shlex

        try:
            command = shlex.split(command)
        except ValueError as exc:
            raise config.error(
                (*at, "token_command"), f"cannot be split into words ({exc})."
            ) from None
    elif not (isinstance(command, list) and all(isinstance(w, str) for w in command)):
        raise config.error((*at, "token_command"), "takes a command line or a list of words.")
    if "token_command" in table and not command:
        raise config.error((*at, "token_command"), "is empty; give the command that prints the token.")
    return NamedSource(
        name,
        table["target"],
        table.get("label"),
        tuple(headers.items()),
        table.get("token_env"),
        tuple(command),
        table.get("token_param"),
        {k: v for k, v in table.items() if k not in SOURCE_KEYS},
    )


def _profile(config: ConfigFile, name: str, table: dict[str, Any]) -> Profile:
    at = ("profiles", name)
    sources = table.get("sources")
    if sources is None:
        raise config.error(at, 'names no sources; add sources = ["NAME", "/path/app.log"].')
    _expect(config, (*at, "sources"), sources, list, "a list of source names or targets")
    for item in sources:
        _expect(config, (*at, "sources"), item, str, "a list of strings")
    if not sources:
        raise config.error((*at, "sources"), "is empty; list at least one source.")
    return Profile(name, tuple(sources), {k: v for k, v in table.items() if k != "sources"})


def line_of(text: str, keys: tuple[str, ...]) -> int:
    """The 1-based line of the table or key at ``keys`` in TOML ``text``.

    The deepest table header that is a prefix of ``keys`` is found first, then the first
    key of the remaining path within that table; the header's line (or 1) when the key
    is written in a way this scan does not follow (dotted keys, inline tables).
    """
    best, best_depth, table = 1, -1, ()
    for n, line in enumerate(text.splitlines(), 1):
        header = _HEADER.match(line)
        if header:
            table = tuple(_split_dotted(header.group(1)))
            depth = len(table)
            if keys[:depth] == table and depth > best_depth:
                best, best_depth = n, depth
            continue
        key = _KEY.match(line)
        inside = key and len(keys) > len(table) and keys[: len(table)] == table
        if inside and _unquote(key.group(1)) == keys[len(table)] and len(table) >= best_depth:
            return n
    return best


def _split_dotted(text: str) -> list[str]:
    parts = re.findall(r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[^.\s]+)\s*(?:\.|$)""", text)
    return [_unquote(p) for p in parts]


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text
