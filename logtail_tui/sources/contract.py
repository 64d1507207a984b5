"""The source contract: everything an adapter author needs, in one module.

An adapter turns a SOURCE argument (``scheme:target``) into an async stream of
`Batch` (parsed records), `StateChanged` and `Heartbeat` events. A minimal adapter::

    from collections.abc import AsyncGenerator

    from logtail_tui.sources.contract import (
        LineParser, Option, Source, SourceEvent, SourceNotFound, State, StateChanged, batches,
    )

    class EchoSource(Source):
        description = "repeats its target (echo:TEXT)"
        options = (Option("times", int, 3, "how many lines", minimum=1),)

        async def events(self) -> AsyncGenerator[SourceEvent]:
            if not self.spec.target:
                raise SourceNotFound("echo: needs a text; use echo:hello.")
            yield StateChanged(State.LIVE)
            parser = LineParser(self.settings.format, self.settings.field_map)
            for batch in batches(parser, [self.spec.target] * self.opts["times"]):
                yield batch
            # Returning ends the source as State.COMPLETED.

Register it in your package's pyproject.toml; the entry-point name is the scheme::

    [project.entry-points."logtail_tui.sources"]
    echo = "my_package.echo:EchoSource"

Then ``logtail echo:hi -o times=5`` (or ``-o echo.times=5``) runs it, and
``logtail --list-sources`` shows it with its options. Test it with
`logtail_tui.testing.probe`, which runs it through the same hub as the app.

Rules:
- `events` is an async generator (a class-based async iterator works too). Batches are
  built by `LineParser` (or `batches`), which defuses hostile content. Report progress
  with `StateChanged` (``CONNECTING``, ``LIVE``, ``RETRYING`` ...); end the stream to
  complete, or yield a final state (``COMPLETED``/``FAILED``) with a detail.
- A failure retrying cannot fix is raised as a `SourceError` (or `SourceNotFound`,
  `AccessDenied`, `ProtocolFailure`) whose text is one sentence for the user; the hub
  turns it into ``State.FAILED`` and exit status 1.
- Network adapters use `logtail_tui.sources.reconnect` for backoff, retries and states.
- Secrets: ``spec.target`` may hold credentials; display only ``spec.label``. The default
  `Source.describe_target` hides user info and secret-looking query values of any ``scheme://``
  URL; override it when the target hides secrets elsewhere.
- `aclose` releases files, sockets and processes and must be safe to call twice.

See docs/architecture.md for how sources fit in the rest of logtail.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, field
from enum import Enum
from types import MappingProxyType
from typing import Any, ClassVar, Self

from logtail_tui.core.chunks import Chunk
from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.errors import (
    AccessDenied,
    ProtocolFailure,
    SourceError,
    SourceNotFound,
    UsageError,
)
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, Level, Record
from logtail_tui.core.settings import Settings
from logtail_tui.sources.options import Option
from logtail_tui.sources.redact import redact, redact_label

__all__ = [
    "MAX_BATCH_LINES",
    "AccessDenied",
    "Batch",
    "Chunk",
    "Heartbeat",
    "Level",
    "LineDecoder",
    "LineParser",
    "Option",
    "ProtocolFailure",
    "Record",
    "Settings",
    "Source",
    "SourceError",
    "SourceEvent",
    "SourceNotFound",
    "SourceSpec",
    "State",
    "StateChanged",
    "UsageError",
    "batches",
    "redact",
]

MAX_BATCH_LINES = 16_384
"""Lines per batch at most, so one burst never stalls the consumer for long."""


class State(Enum):
    WAITING = "waiting"  # e.g. a file that does not exist yet
    CONNECTING = "connecting"
    LIVE = "live"
    RETRYING = "retrying"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def final(self) -> bool:
        return self in (State.COMPLETED, State.FAILED)


@dataclass(frozen=True, slots=True)
class SourceSpec:
    """What the user asked to follow.

    Attributes:
        text: The argument exactly as typed (may hold secrets; never display it).
        scheme: The adapter name it resolved to (``file``, ``https``, ``sse+http`` ...).
        target: The adapter-specific part: a path, a URL, a command line.
        label: A short display name with every secret removed.
        options: The adapter's options, typed (defaults plus ``-o`` values).
        secrets: Credentials found in ``text``, hidden wherever a peer echoes them.
        settings: This source's own settings (a named source from the config file brings
            its headers, token and options); ``None`` for the run's.
    """

    text: str
    scheme: str
    target: str
    label: str
    options: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    secrets: tuple[str, ...] = ()
    settings: Settings | None = None


@dataclass(frozen=True, slots=True)
class StateChanged:
    """A source's state moved. ``detail`` is a short token-free phrase for the status bar."""

    state: State
    detail: str = ""
    retry_in: float | None = None
    attempt: int = 0
    progress: float | None = None
    """Share (0..1) of a long preparation done while already live (a file's history being
    indexed), shown as ``indexing 45%``; ``None`` when there is none."""
    at: float = field(default_factory=time.monotonic)
    mark: bool = False
    """The change belongs in the log's flow (a file truncated or rotated): the TUI shows
    ``detail`` as a dimmed marker line where it happened, plain mode on standard error."""


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The peer is alive but sent no log line (SSE heartbeat, WebSocket ping...)."""

    at: float = field(default_factory=time.monotonic)


SourceEvent = Batch | Chunk | StateChanged | Heartbeat
"""A `Chunk` is a bulk alternative to a `Batch` (a file read in blocks): lines left where
they are, parsed when looked at; ``chunk.history`` ones go before the oldest line."""


def batches(parser: LineParser, lines: list[str]) -> Iterator[Batch]:
    """Parse ``lines`` into batches of at most `MAX_BATCH_LINES` rows."""
    for start in range(0, len(lines), MAX_BATCH_LINES):
        yield parser.parse(lines[start : start + MAX_BATCH_LINES])


class Source(ABC):
    """Base of every adapter. Subclasses implement `events` and usually `aclose`.

    Attributes:
        spec: What to follow; ``spec.options`` holds this adapter's typed options.
        settings: The run's settings (parsing, network, ``follow``).
    """

    description: ClassVar[str] = ""
    """One line for ``--list-sources``."""
    options: ClassVar[tuple[Option, ...]] = ()
    """Options this adapter takes (``-o name=value``), shown by ``--list-sources``."""

    def __init__(self, spec: SourceSpec, settings: Settings) -> None:
        self.spec = spec
        self.settings = settings

    @property
    def opts(self) -> Mapping[str, Any]:
        """This source's option values by name (every declared option has one)."""
        if not self.spec.options and self.options:
            return {opt.name: opt.default for opt in self.options}
        return self.spec.options

    @classmethod
    def parse_target(cls, scheme: str, rest: str, text: str) -> str:
        """What ``spec.target`` is for the argument ``text`` (``rest`` follows ``scheme:``)."""
        return rest

    @classmethod
    def describe_target(cls, scheme: str, target: str, settings: Settings) -> str:
        """The display name of ``target``, without secrets.

        The default hides URL user info, secret-looking query values, the
        ``--token-param`` value and the run's secrets (tokens, auth headers).
        """
        return redact_label(f"{scheme}:{target}", settings.secrets(), settings.token_param)

    @abstractmethod
    def events(self) -> AsyncGenerator[SourceEvent] | AsyncIterator[SourceEvent]:
        """Yield batches and state changes until the source is finished."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release files, sockets and processes."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
