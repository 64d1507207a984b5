"""Command-line option values: each parser turns typed text into a typed value.

A bad value raises `UsageError` with one sentence (exit status 2). Typer also passes
defaults through the parsers, so each accepts its already-typed default unchanged.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import NamedTuple

from logtail_tui.core.errors import UsageError
from logtail_tui.core.filters import compile_pattern
from logtail_tui.core.record import Level

FIELDS = ("message", "level", "time")
"""Meanings ``--field`` can map to a key."""
COLORS = ("auto", "always", "never")


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


def parse_cacert(value: str) -> str:
    if not os.path.isfile(value):
        raise UsageError(f"--cacert {value}: no such file; give a PEM bundle.")
    return value
