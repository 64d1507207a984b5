"""Adapter options: declared as data by each adapter, set with ``-o [scheme.]name=value``.

An adapter lists `Option` objects in ``Source.options``; ``--list-sources`` shows them
and the registry turns the user's ``-o`` strings into typed values in ``spec.options``.
A bare ``name`` applies to every source whose adapter declares it; ``scheme.name``
targets one adapter when several are used.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from logtail_tui.core.errors import UsageError

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True, slots=True)
class Option:
    """One typed option of an adapter.

    Attributes:
        name: What follows ``-o`` (letters, digits, ``_`` and ``-``).
        type: ``int``, ``float``, ``str`` or ``bool``.
        default: The value when the user sets none.
        help: One line for ``--list-sources``.
        minimum: The least value accepted, for numbers.
    """

    name: str
    type: type = str
    default: Any = None
    help: str = ""
    minimum: float | None = None

    def parse(self, text: str) -> Any:
        """The typed value of ``text``; raises `ValueError` with the reason."""
        text = text.strip()
        if self.type is bool:
            if text.lower() in _TRUE:
                return True
            if text.lower() in _FALSE:
                return False
            raise ValueError("true or false")
        if self.type in (int, float):
            try:
                value = self.type(text)
            except ValueError:
                raise ValueError("a whole number" if self.type is int else "a number") from None
            if self.minimum is not None and value < self.minimum:
                raise ValueError(f"at least {self.minimum:g}")
            return value
        return self.type(text)

    def describe(self) -> str:
        """``rate=INT (default 12): lines a second``, for ``--list-sources``."""
        default = "" if self.default is None else f" (default {self.default})"
        return f"{self.name}={self.type.__name__.upper()}{default}: {self.help}".rstrip(": ")


def split_pairs(values: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """``-o`` arguments as ``(name, value)`` pairs; raises `UsageError` for ``name`` alone."""
    out = []
    for value in values:
        name, found, rest = value.partition("=")
        if not found or not name.strip():
            raise UsageError(f"-o takes NAME=VALUE (for example rate=100), not {value!r}.")
        out.append((name.strip(), rest))
    return tuple(out)


def typed(
    scheme: str,
    declared: Sequence[Option],
    pairs: Iterable[tuple[str, str]],
    used: set[int] | None = None,
) -> Mapping[str, Any]:
    """Typed values of ``declared`` for one source: defaults, overridden by ``pairs``.

    Args:
        scheme: The source's scheme, matched by ``scheme.name`` pairs.
        declared: The adapter's options.
        pairs: Every ``-o`` pair of the run.
        used: Collects the indexes of the pairs that applied, to report unknown ones.

    Raises:
        UsageError: for a value that does not fit its option, or ``scheme.name`` with
            a name the adapter does not declare.
    """
    by_name = {opt.name: opt for opt in declared}
    values = {opt.name: opt.default for opt in declared}
    for i, (key, text) in enumerate(pairs):
        prefix, dot, name = key.rpartition(".")
        if dot and prefix.lower() != scheme:
            continue
        opt = by_name.get(name)
        if opt is None:
            if dot:
                raise UsageError(unknown_message(key, scheme, declared))
            continue
        try:
            values[name] = opt.parse(text)
        except ValueError as exc:
            raise UsageError(f"-o {key} takes {exc}, not {text!r}.") from None
        if used is not None:
            used.add(i)
    return MappingProxyType(values)


def unknown_message(key: str, scheme: str | None, declared: Sequence[Option]) -> str:
    """One sentence naming what can be set instead of ``key``."""
    names = ", ".join(opt.name for opt in declared)
    if scheme:
        known = f"it takes {names}" if names else "it takes none"
        return f"-o {key}: the {scheme} adapter has no such option ({known}); see 'logtail --list-sources'."
    known = f"they take {names}" if names else "they take none"
    return f"-o {key}: none of the sources given takes that option ({known}); see 'logtail --list-sources'."
