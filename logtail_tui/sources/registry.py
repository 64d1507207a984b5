"""Finds adapters through the ``logtail_tui.sources`` entry-point group and resolves specs.

Built-in adapters register through the same group as third-party ones (pyproject.toml),
so ``--list-sources`` and scheme inference treat both alike.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from logtail_tui.core.errors import UsageError
from logtail_tui.core.sanitize import visible
from logtail_tui.core.settings import Settings
from logtail_tui.sources import options
from logtail_tui.sources.contract import Source, SourceSpec
from logtail_tui.sources.redact import redact, url_secrets

if TYPE_CHECKING:
    from importlib.metadata import EntryPoint

GROUP = "logtail_tui.sources"
IMPLIED = {
    "file": "logtail_tui.sources.file:FileSource",
    "stdin": "logtail_tui.sources.stdin:StdinSource",
}
"""The schemes a path or ``-`` stands for, loaded without reading every installed package's
entry points (20-35 ms of each start); a test checks they are pyproject's."""
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", re.S)
__all__ = ["create", "describe", "load", "redact", "resolve", "resolve_all", "schemes"]


@cache
def _entry_points() -> dict[str, EntryPoint]:
    from importlib.metadata import entry_points

    return {ep.name: ep for ep in entry_points(group=GROUP)}


def schemes() -> list[str]:
    """Every installed scheme name, sorted."""
    return sorted(_entry_points())


def load(scheme: str) -> type[Source]:
    """The adapter class for ``scheme``; an unknown scheme lists the installed ones."""
    if scheme in IMPLIED:
        module, name = IMPLIED[scheme].split(":")
        cls: type[Source] = getattr(importlib.import_module(module), name)
        return cls
    ep = _entry_points().get(scheme)
    if ep is None:
        raise UsageError(
            f"No source adapter handles {scheme!r}: installed schemes are "
            f"{', '.join(schemes())}; run 'logtail --list-sources' for details."
        )
    try:
        cls = ep.load()
    except Exception as exc:
        raise UsageError(
            f"The {scheme!r} adapter ({ep.value}) failed to load: {exc}; reinstall it."
        ) from None
    if not (isinstance(cls, type) and issubclass(cls, Source)):
        raise UsageError(f"The adapter registered for {scheme!r} ({ep.value}) is not a Source.")
    return cls


def resolve(text: str, settings: Settings | None = None) -> SourceSpec:
    """Turn a SOURCE argument into a spec: scheme, the adapter's target and label, typed options.

    The scheme is what precedes the first ``:`` when an adapter is installed for it;
    otherwise the argument is a file path (a Windows drive letter included), as ``tail``
    would read it. A ``name://`` whose scheme nobody installed is a usage error.

    Raises:
        UsageError: for an unknown ``scheme://`` or a bad ``-o`` value.
    """
    settings = settings or Settings()
    if text == "-":
        return SourceSpec(text, "stdin", "-", "stdin")
    m = _SCHEME.match(text)
    scheme = m.group(1).lower() if m else ""
    if m and len(scheme) > 1 and scheme in _entry_points():
        cls = load(scheme)
        target = cls.parse_target(scheme, m.group(2), text)
        label = visible(redact(cls.describe_target(scheme, target, settings), settings.secrets()))
        values = options.typed(scheme, cls.options, settings.options)
        return SourceSpec(text, scheme, target, label, values, url_secrets(text))
    if m and len(scheme) > 1 and "/" in m.group(2)[:2]:
        load(scheme)  # looks like a URL (``foo://``) whose scheme nobody installed
    # A label is only ever shown: an escape sequence in a file's name must not reach the
    # terminal (the status bar, the window title), and the name stays recognisable.
    return SourceSpec(text, "file", text, visible(text))


def resolve_all(
    texts: Sequence[str], settings: Settings, own: Sequence[Settings | None] = ()
) -> list[SourceSpec]:
    """`resolve` every argument and check that each ``-o`` applies to one of them.

    Args:
        own: Settings of the arguments that bring their own (a named source from the
            config file), by position; its own ``-o`` pairs come before the run's.

    Raises:
        UsageError: for an unknown scheme, an option no adapter in use declares, or a
            value that does not fit its option.
    """
    specs = []
    used: set[int] = set()
    declared: list[options.Option] = []
    for i, text in enumerate(texts):
        mine = own[i] if i < len(own) else None
        spec = resolve(text, mine or settings)
        if mine is not None:
            spec = dataclasses.replace(spec, settings=mine)
        pairs = (mine or settings).options
        specs.append(spec)
        if not pairs:
            # `resolve` loaded any scheme it named; `file` and `stdin` need no loading to read
            # no `-o` (loading the file adapter would import asyncio on every plain run).
            continue
        skip = len(pairs) - len(settings.options)  # the source's own pairs, always valid
        cls = load(spec.scheme)
        local: set[int] = set()
        options.typed(spec.scheme, cls.options, pairs, local)
        used.update(j - skip for j in local if j >= skip)
        declared += [opt for opt in cls.options if opt not in declared]
    for i, (key, _value) in enumerate(settings.options):
        if i not in used:
            raise UsageError(options.unknown_message(key, None, declared))
    return specs


def create(spec: SourceSpec, settings: Settings) -> Source:
    """Instantiate the adapter for ``spec``."""
    return load(spec.scheme)(spec, settings)


def describe() -> list[tuple[str, str, str, list[str]]]:
    """``(scheme, adapter, description, option lines)`` rows for ``--list-sources``."""
    rows = []
    for name, ep in sorted(_entry_points().items()):
        opts: list[str] = []
        try:
            cls = ep.load()
            desc = getattr(cls, "description", "")
            opts = [opt.describe() for opt in getattr(cls, "options", ())]
        except Exception as exc:  # a broken third-party plug-in must not hide the others
            desc = f"(failed to load: {exc})"
        rows.append((name, ep.value, desc, opts))
    return rows
