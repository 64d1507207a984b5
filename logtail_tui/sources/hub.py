"""Runs every source in its own task and hands their events to one consumer.

Both the TUI and the plain printer consume sources through this, so failure handling
(one-sentence errors, redaction of secrets, final states) lives in one place.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

from logtail_tui.core.errors import LogtailError
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

log = logging.getLogger(__name__)

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

    def _emit(self, index: int, event: SourceEvent) -> None:
        if isinstance(event, StateChanged):
            if event.detail:
                event = StateChanged(
                    event.state,
                    registry.redact(event.detail, self.settings.secrets()),
                    event.retry_in,
                    event.attempt,
                    event.at,
                )
            self.states[index] = event
        elif isinstance(event, Heartbeat):
            self.last_heard[index] = event.at
        self.sink(index, event)

    async def _run_one(self, index: int, spec: SourceSpec) -> None:
        final: StateChanged | None = None
        try:
            source = self.factory(spec, self.settings)
            async with source:
                async for event in source.events():
                    if isinstance(event, StateChanged) and event.state.final:
                        final = event
                    self._emit(index, event)
                    if final is not None:
                        break
        except asyncio.CancelledError:
            raise
        except LogtailError as exc:
            final = StateChanged(State.FAILED, str(exc))
            self._emit(index, final)
        except Exception as exc:
            log.exception("source %s crashed", spec.label)
            final = StateChanged(
                State.FAILED,
                f"the {spec.scheme} adapter failed unexpectedly ({type(exc).__name__}: {exc})",
            )
            self._emit(index, final)
        if final is None:
            self._emit(index, StateChanged(State.COMPLETED))

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
