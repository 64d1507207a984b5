"""The source contract: a spec in, an async stream of batches and state changes out.

Usage::

    source = registry.create(spec, settings)
    async with source:
        async for event in source.events():
            ...  # Batch | StateChanged | Heartbeat

A source owns its I/O, reconnection and framing. It reports how it is doing with
`StateChanged` events and ends its stream when it is finished. A failure it will not
recover from is raised as a `SourceError` (whose text is one sentence for the user);
the hub turns that into ``State.FAILED``. Ending the stream without a final state
means ``State.COMPLETED``. ``aclose()`` must release everything and be safe to call twice.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from enum import Enum
from typing import ClassVar, Self

from logtail_tui.core.chunks import Chunk
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings


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
    """

    text: str
    scheme: str
    target: str
    label: str


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


@dataclass(frozen=True, slots=True)
class Heartbeat:
    """The peer is alive but sent no log line (SSE heartbeat, WebSocket ping...)."""

    at: float = field(default_factory=time.monotonic)


SourceEvent = Batch | Chunk | StateChanged | Heartbeat
"""A `Chunk` is a bulk alternative to a `Batch` (a file read in blocks): lines left where
they are, parsed when looked at; ``chunk.history`` ones go before the oldest line."""


class Source(ABC):
    """Base of every adapter. Subclasses implement `events` and usually `aclose`."""

    schemes: ClassVar[tuple[str, ...]] = ()
    """The schemes this adapter serves, for ``--list-sources``."""
    description: ClassVar[str] = ""
    """One line for ``--list-sources``."""

    def __init__(self, spec: SourceSpec, settings: Settings) -> None:
        self.spec = spec
        self.settings = settings

    @abstractmethod
    def events(self) -> AsyncIterator[SourceEvent]:
        """Yield batches and state changes until the source is finished."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook, nothing to release by default
        """Release files, sockets and processes."""

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
