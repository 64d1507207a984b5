"""The one typed settings object, built at the edge (CLI) and passed down; no globals."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from logtail_tui.core.record import Level

DEFAULT_LINES = 1000
DEFAULT_MAX_LINES = 1_000_000
DEFAULT_MEMORY_BUDGET = 64 << 20
DEFAULT_MAX_LINE_LENGTH = 65_536


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything a run of logtail was asked for.

    Source options are read by adapters; view options by the UI and the plain printer.
    """

    # -- history and memory
    lines: int | None = DEFAULT_LINES
    """Lines of history to load from files at start; ``None`` means all."""
    max_lines: int = DEFAULT_MAX_LINES
    """Scrollback kept; older lines are evicted and counted."""
    memory_budget: int = DEFAULT_MEMORY_BUDGET
    """Bytes of stream text kept in memory; older stream chunks wait in a private temporary
    file (file lines always stay in their file). ``0`` keeps everything in memory."""
    max_line_length: int = DEFAULT_MAX_LINE_LENGTH
    """Longer lines are split into marked continuation pieces, never dropped."""
    follow: bool = True
    """False for ``--no-follow``: read what is there, then end."""
    since: float | None = None
    """``--since``: history starts at this epoch (files, and sources that can replay)."""
    until: float | None = None
    """``--until``: history stops at this epoch."""
    merge_by_time: bool = False
    """``--merge-by-time``: order records of several sources by their times."""
    reorder_window: float = 0.2
    """Seconds a live record may wait for earlier records of other sources."""

    # -- parsing
    format: str = "auto"
    """``auto``, ``text``, ``json`` or ``logfmt``."""
    field_map: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Overrides of which key holds a meaning, e.g. ``{"message": "msg"}``."""

    # -- network
    headers: tuple[tuple[str, str], ...] = ()
    token: str | None = None
    token_param: str | None = None
    send: tuple[str, ...] = ()
    resume_param: str | None = None
    insecure: bool = False
    cacert: str | None = None
    timeout: float = 30.0
    """Connect timeout in seconds; the read timeout is longer, above keep-alive periods."""
    retries: int | None = None
    """Give up after this many failed reconnects in a row; ``None`` retries for ever."""
    reconnect: bool = False
    """Fetch an HTTP line stream (NDJSON, text) again after it ends cleanly (polling)."""

    # -- adapters
    options: tuple[tuple[str, str], ...] = ()
    """``-o [scheme.]name=value`` pairs as given; the registry types them per adapter."""

    # -- view
    level: Level = Level.NONE
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    where: str | None = None
    """A ``-w`` field expression (checked by the CLI; compiled by `LineFilter.from_settings`)."""
    search: str | None = None
    plain: bool = False
    color: bool = True
    utc: bool = False
    """Show record times in UTC instead of local time (``--utc``)."""
    theme: str | None = None
    """The TUI's theme (``--theme``); ``None``: the one last chosen, else the default."""

    def secrets(self) -> tuple[str, ...]:
        """Strings that must never be displayed (tokens and header values that carry them)."""
        found = [self.token] if self.token else []
        for name, value in self.headers:
            if name.lower() in {"authorization", "cookie", "proxy-authorization"} or (
                "token" in name.lower() or "key" in name.lower()
            ):
                found.append(value)
                # A server may echo just the credential, without "Bearer " or "name=".
                found.extend(part.split("=", 1)[-1] for part in value.replace(";", " ").split()[1:])
        return tuple(s for s in found if len(s) >= 4)
