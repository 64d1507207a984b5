"""Runs every source in its own task and hands their events to one consumer.

Both the TUI and the plain printer consume sources through this, so failure handling
(one-sentence errors, redaction of secrets, final states) lives in one place: the `Relay`
this builds on, which plain mode's direct read of one file uses without an event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable, Sequence

from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import Source, SourceEvent, SourceSpec, State, StateChanged
from logtail_tui.sources.relay import Relay, Sink


class Hub(Relay):
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
        super().__init__(specs, settings, sink)
        self.factory = factory
        self._tasks: list[asyncio.Task[None]] = []

    async def _run_one(self, index: int, spec: SourceSpec) -> None:
        final: StateChanged | None = None
        try:
            source = self.factory(spec, spec.settings or self.settings)
            async with source, _closing(source.events()) as stream:
                async for event in stream:
                    if isinstance(event, StateChanged) and event.state.final:
                        final = event
                        break
                    self.deliver(index, event)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            final = self.failure(spec, exc)
        self.emit(index, final or StateChanged(State.COMPLETED))

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
