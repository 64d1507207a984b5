"""Runs every source in its own task and hands their events to one consumer.

Both the TUI and the plain printer consume sources through this, so failure handling
(one-sentence errors, redaction of secrets, final states) lives in one place.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator, Callable, Sequence

from logtail_tui.core.errors import LogtailError
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import (
    Heartbeat,
    Source,
    SourceEvent,
    SourceSpec,
    State,
    StateChanged,
)
from logtail_tui.sources.redact import redact, shorten

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())  # no stray tracebacks on the user's terminal

Sink = Callable[[int, SourceEvent], None]
"""Called on the event loop with ``(source index, event)``; must not block for long."""


class Hub:
    """Owns the per-source tasks.

    Args:
        specs: What to follow, in display order (the index is the record's ``source``).
        settings: Shared settings.
        sink: Receives every event, including the final ``StateChanged`` of each source.
        factory: Builds a source from a spec; tests pass in-memory sources here.
    """

    def __init__(
        self,
        specs: Sequence[SourceSpec],
        settings: Settings,
        sink: Sink,
        factory: Callable[[SourceSpec, Settings], Source] = registry.create,
    ) -> None:
        self.specs = list(specs)
        self.settings = settings
        self.sink = sink
        self.factory = factory
        self.states: list[StateChanged] = [StateChanged(State.CONNECTING) for _ in self.specs]
        self.last_heard: list[float | None] = [None] * len(self.specs)
        self._tasks: list[asyncio.Task[None]] = []
        self._secrets = [
            (spec.settings or settings).secrets() + spec.secrets for spec in self.specs
        ]

    def _emit(self, index: int, event: SourceEvent) -> None:
        secrets = self._secrets[index]
        if isinstance(event, StateChanged):
            if event.detail:
                # Details often quote the peer (reasons, error texts): make them inert,
                # short and secret-free here, once, for every adapter and every consumer.
                event = dataclasses.replace(event, detail=_safe_detail(event.detail, secrets))
            self.states[index] = event
        elif isinstance(event, Heartbeat):
            self.last_heard[index] = event.at
        elif secrets and isinstance(event, Batch):
            scrub(event, secrets)
        self.sink(index, event)

    async def _run_one(self, index: int, spec: SourceSpec) -> None:
        final: StateChanged | None = None
        try:
            source = self.factory(spec, spec.settings or self.settings)
            async with source, _closing(source.events()) as stream:
                async for event in stream:
                    if isinstance(event, StateChanged) and event.state.final:
                        final = event
                        break
                    try:
                        self._emit(index, event)
                    except Exception as exc:  # the consumer's fault, not the adapter's
                        raise _ConsumerError(exc) from exc
        except asyncio.CancelledError:
            raise
        except _ConsumerError as exc:
            log.debug("consumer failed on %s", spec.label, exc_info=True)
            final = StateChanged(State.FAILED, f"logtail could not show its lines ({exc})")
        except LogtailError as exc:
            final = StateChanged(State.FAILED, str(exc))
        except Exception as exc:
            log.debug("source %s crashed", spec.label, exc_info=True)
            final = StateChanged(
                State.FAILED,
                f"the {spec.scheme} adapter failed unexpectedly ({type(exc).__name__}: {exc})",
            )
        self._emit(index, final or StateChanged(State.COMPLETED))

    def start(self) -> None:
        """Start one task per source on the running loop."""
        self._tasks = [
            asyncio.create_task(self._run_one(i, spec), name=f"source:{spec.label}")
            for i, spec in enumerate(self.specs)
        ]

    async def wait(self) -> None:
        """Until every source has ended."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    async def run(self) -> None:
        self.start()
        try:
            await self.wait()
        finally:
            await self.aclose()

    async def aclose(self) -> None:
        for task in self._tasks:
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    @property
    def failed(self) -> bool:
        return any(s.state is State.FAILED for s in self.states)


@contextlib.asynccontextmanager
async def _closing(stream: AsyncIterator[SourceEvent]) -> AsyncIterator[AsyncIterator[SourceEvent]]:
    """``stream``, closed afterwards when it can be (class-based iterators may have no
    ``aclose``: the source's own `Source.aclose` then releases what they hold)."""
    try:
        yield stream
    finally:
        close = getattr(stream, "aclose", None)
        if close is not None:
            await close()


class _ConsumerError(Exception):
    """Wraps an error raised by the sink so it is not mistaken for the adapter's."""


DETAIL_MAX = 300
"""Characters of a state detail kept for the status bar and error messages."""


def _safe_detail(detail: str, secrets: tuple[str, ...]) -> str:
    return shorten(redact(detail, secrets), DETAIL_MAX)


def scrub(batch: Batch, secrets: tuple[str, ...]) -> None:
    """Hide secrets a peer echoed back (a token in an error message...) in place."""
    for column in (batch.texts, batch.raws, batch.times):
        if not column or not any(s in "\n".join(filter(None, column)) for s in secrets):
            continue
        for i, text in enumerate(column):
            if text and any(secret in text for secret in secrets):
                for secret in secrets:
                    text = text.replace(secret, "***")
                column[i] = text
