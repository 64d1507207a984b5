"""``@NAME`` arguments: the config file's named sources and profiles, expanded into specs.

A named source brings its own target, label, headers, token and adapter options; they
travel in its spec's own `Settings` (``spec.settings``), so one run can follow sources
with different credentials. Tokens come from an environment variable or a command run
without a shell; logtail never stores or shows them (docs/architecture.md, "Configuration").
"""

from __future__ import annotations

import dataclasses
import os
import subprocess
from collections.abc import Iterator, Sequence
from typing import Any

from logtail_tui.config_defaults import default_path
from logtail_tui.config_file import SOURCE_KEYS, ConfigFile, NamedSource
from logtail_tui.core.errors import UsageError
from logtail_tui.core.sanitize import sanitize
from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import SourceSpec
from logtail_tui.sources.redact import redact

TOKEN_TIMEOUT = 20.0
"""Seconds a ``token_command`` may take (a password manager may ask for a passphrase)."""


def resolve(
    args: Sequence[str], settings: Settings, config: ConfigFile | None
) -> list[SourceSpec]:
    """Specs for the SOURCE arguments, ``@NAME`` ones expanded (``config`` is ``None``
    when there is no config file).

    Raises:
        UsageError: for an unknown name, a token that cannot be read, or anything
            `registry.resolve_all` refuses.
    """
    config = config or ConfigFile(default_path())
    texts: list[str] = []
    own: list[Settings | None] = []
    labels: list[str | None] = []
    tokens: dict[str, str | None] = {}
    for text, source in _expand(args, config):
        texts.append(text)
        if source is None:
            own.append(None)
            labels.append(None)
            continue
        if source.name not in tokens:
            tokens[source.name] = read_token(config, source)
        own.append(_settings(config, source, settings, tokens[source.name]))
        labels.append(sanitize(source.label or source.name))
    specs = registry.resolve_all(texts, settings, own)
    return [
        dataclasses.replace(spec, label=label) if label else spec
        for spec, label in zip(specs, labels, strict=True)
    ]


def _expand(args: Sequence[str], config: ConfigFile) -> Iterator[tuple[str, NamedSource | None]]:
    for arg in args:
        if not arg.startswith("@"):
            yield arg, None
            continue
        name = arg[1:]
        if name in config.sources:
            yield _target(config.sources[name]), config.sources[name]
        elif name in config.profiles:
            for item in config.profiles[name].sources:
                ref = item.removeprefix("@")
                if ref in config.sources:
                    yield _target(config.sources[ref]), config.sources[ref]
                elif item.startswith("@"):
                    raise config.error(
                        ("profiles", name, "sources"),
                        f"no source is named {item!r}; add [sources.{ref}] or fix the name.",
                    )
                else:
                    yield item, None
        else:
            raise UsageError(_unknown(name, config))


def _target(source: NamedSource) -> str:
    # A shell expands ~ on the command line; do the same for a path in the config.
    return os.path.expanduser(source.target) if source.target.startswith("~") else source.target


def _unknown(name: str, config: ConfigFile) -> str:
    if config.text is None:
        return (
            f"@{name} names a source from the config file, but there is none at {config.path}; "
            "create it (see 'logtail --help') or write ./@name for a file."
        )
    known = ", ".join(f"@{n}" for n in [*config.sources, *config.profiles]) or "none"
    return f"No source or profile is named @{name} in {config.path} (known: {known})."


def _settings(
    config: ConfigFile, source: NamedSource, settings: Settings, token: str | None
) -> Settings:
    """The run's settings with the source's own headers, token and options.

    The source's options come before the run's ``-o`` pairs and its headers before the
    run's ``-H`` ones, so flags typed now win; its own token wins over a run-wide one.
    """
    return dataclasses.replace(
        settings,
        headers=(*source.headers, *settings.headers),
        token=token or settings.token,
        token_param=source.token_param or settings.token_param,
        options=(*_own_options(config, source), *settings.options),
    )


def _own_options(config: ConfigFile, source: NamedSource) -> tuple[tuple[str, str], ...]:
    """The source's adapter options as ``-o`` pairs, each checked against the adapter."""
    if not source.options:
        return ()
    at = ("sources", source.name)
    try:
        scheme = registry.resolve(source.target).scheme
        declared = {opt.name: opt for opt in registry.load(scheme).options}
    except UsageError as exc:
        raise config.error((*at, "target"), str(exc)) from None
    pairs = []
    for key, value in source.options.items():
        opt = declared.get(key)
        if opt is None:
            takes = ", ".join(declared) or "none"
            raise config.error(
                (*at, key),
                f"unknown key; a source takes {', '.join(SOURCE_KEYS)} and the options of "
                f"its {scheme} adapter ({takes}).",
            )
        text = _option_text(value)
        try:
            if text is None:
                raise ValueError(opt.type.__name__)
            opt.parse(text)
        except ValueError as exc:
            raise config.error((*at, key), f"takes {exc}, not {value!r}.") from None
        pairs.append((key, text))
    return tuple(pairs)


def _option_text(value: Any) -> str | None:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def read_token(config: ConfigFile, source: NamedSource) -> str | None:
    """The source's token from its environment variable or command; ``None`` if it has none.

    Raises:
        UsageError: one sentence naming the source when the token cannot be read (the
            token itself never appears in it).
    """
    who = f"Source @{source.name}"
    if source.token_env:
        value = os.environ.get(source.token_env, "").strip()
        if not value:
            raise UsageError(
                f"{who} takes its token from ${source.token_env}, which is not set; "
                f"export it or change token_env in {config.path}."
            )
        return value
    if not source.token_command:
        return None
    program = source.token_command[0]
    fix = f"fix token_command in {config.path}"
    try:
        done = subprocess.run(
            list(source.token_command),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=TOKEN_TIMEOUT,
        )
    except FileNotFoundError:
        raise UsageError(f"{who}: the token command {program!r} was not found; {fix}.") from None
    except subprocess.TimeoutExpired:
        raise UsageError(
            f"{who}: the token command {program!r} did not finish within {TOKEN_TIMEOUT:g} s; "
            "run it yourself to see why."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        why = getattr(exc, "strerror", None) or "it printed something that is not text"
        raise UsageError(f"{who}: the token command {program!r} failed ({why}); {fix}.") from None
    if done.returncode != 0:
        raise UsageError(
            f"{who}: the token command {program!r} exited with status {done.returncode}; "
            "run it yourself to see why."
        )
    # `pass show` prints the secret on the first line, notes after it.
    token = next((line.strip() for line in done.stdout.splitlines() if line.strip()), "")
    if not token:
        raise UsageError(f"{who}: the token command {program!r} printed no token; {fix}.")
    return token


def describe(config: ConfigFile | None) -> list[str]:
    """Lines for ``--list-sources``: each named source and profile, no secret in them."""
    config = config or ConfigFile(default_path())
    if not config.sources and not config.profiles:
        state = "does not exist" if config.text is None else "defines none"
        return [f"Named sources and profiles: {config.path} {state}."]
    out = [f"Named sources and profiles ({config.path}):"]
    for name, source in config.sources.items():
        extra = []
        if source.token_env:
            extra.append(f"token from ${source.token_env}")
        elif source.token_command:
            extra.append(f"token from {source.token_command[0]}")
        if source.headers:
            extra.append("headers " + ", ".join(h for h, _ in source.headers))
        extra += [f"{k}={v}" for k, v in source.options.items()]
        tail = f"  ({'; '.join(extra)})" if extra else ""
        out.append(sanitize(f"  @{name:<14} {redact(source.target)}{tail}"))
    for name, profile in config.profiles.items():
        listed = ", ".join(
            f"@{s}" if s in config.sources else redact(s) for s in profile.sources
        )
        opts = "".join(f"; {k}={v}" for k, v in profile.options.items())
        out.append(sanitize(f"  @{name:<14} profile: {listed}{opts}"))
    return out


def names(config: ConfigFile) -> list[str]:
    """Every ``@NAME`` the config defines, for completion."""
    return [f"@{n}" for n in [*config.sources, *config.profiles]]
