"""Finds adapters through the ``logtail_tui.sources`` entry-point group and resolves specs.

Built-in adapters register through the same group as third-party ones (pyproject.toml),
so ``--list-sources`` and scheme inference treat both alike.
"""

from __future__ import annotations

import re
from functools import cache
from importlib.metadata import EntryPoint, entry_points

from logtail_tui.core.errors import UsageError
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import Source, SourceSpec

GROUP = "logtail_tui.sources"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(.*)$", re.S)
_URL_SECRET = re.compile(
    r"(?i)([?&](?:[^=&]*token[^=&]*|key|api_key|apikey|auth|jwt|password|sig|signature|access_token)=)[^&#]*"
)
_USERINFO = re.compile(r"^([a-z0-9+.-]+://)[^/@]*@", re.I)


@cache
def _entry_points() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def schemes() -> list[str]:
    """Every installed scheme name, sorted."""
    return sorted(_entry_points())


def load(scheme: str) -> type[Source]:
    """The adapter class for ``scheme``; an unknown scheme lists the installed ones."""
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


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """``text`` with credentials in URLs (user info, token-like query values) and ``secrets`` hidden."""
    text = _USERINFO.sub(r"\1***@", text)
    text = _URL_SECRET.sub(r"\1***", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
    return text


def resolve(text: str, settings: Settings | None = None) -> SourceSpec:
    """Turn a SOURCE argument into a spec, inferring the scheme as design.md §1 describes."""
    settings = settings or Settings()
    secrets = settings.secrets()
    if text == "-":
        return SourceSpec(text, "stdin", "-", "stdin")
    m = _SCHEME.match(text)
    scheme = m.group(1).lower() if m else ""
    # A single letter followed by ':' is a Windows drive, and a name with no adapter that
    # is an existing path is a file: both are files, as `tail` would read them.
    if m and len(scheme) > 1 and scheme in _entry_points():
        rest = m.group(2)
        if scheme in {"http", "https", "ws", "wss", "sse+http", "sse+https"}:
            target = text if not scheme.startswith("sse+") else text[len("sse+") :]
            label = redact(target, secrets)
            if settings.token_param:
                label = re.sub(rf"([?&]{re.escape(settings.token_param)}=)[^&#]*", r"\1***", label)
        elif scheme == "file":
            target = rest[2:] if rest.startswith("//") else rest
            label = target
        else:
            target = rest
            # "scheme://user:pass@host/...": redact the whole URL so user info is hidden.
            shown = redact(text, secrets) if rest.startswith("//") else f"{scheme}:{redact(rest, secrets)}"
            label = shown if rest else f"{scheme}:"
        return SourceSpec(text, scheme, target, label)
    if m and len(scheme) > 1 and "/" in m.group(2)[:2]:
        # Looks like a URL (``foo://``) whose scheme nobody installed.
        load(scheme)
    return SourceSpec(text, "file", text, text)


def create(spec: SourceSpec, settings: Settings) -> Source:
    """Instantiate the adapter for ``spec``."""
    return load(spec.scheme)(spec, settings)


def describe() -> list[tuple[str, str, str]]:
    """``(scheme, adapter, description)`` rows for ``--list-sources``."""
    rows = []
    for name, ep in sorted(_entry_points().items()):
        try:
            cls = ep.load()
            desc = getattr(cls, "description", "")
        except Exception as exc:  # a broken third-party plug-in must not hide the others
            desc = f"(failed to load: {exc})"
        rows.append((name, ep.value, desc))
    return rows
