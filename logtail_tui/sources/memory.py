"""An in-memory source: the contract's reference implementation, and what UI tests drive.

Usage::

    feed = MemorySource.feed()          # a queue the test pushes into
    source = MemorySource(spec, settings, feed)
    await feed.put(Batch(...)); await feed.put(None)   # None ends the stream
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator

from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import Source, SourceEvent, SourceSpec, State, StateChanged


class MemorySource(Source):
    description = "events pushed by a program (tests, embedding)"

    def __init__(
        self,
        spec: SourceSpec,
        settings: Settings,
        feed: asyncio.Queue[SourceEvent | None] | None = None,
    ) -> None:
        super().__init__(spec, settings)
        self.queue: asyncio.Queue[SourceEvent | None] = feed or asyncio.Queue()

    @staticmethod
    def feed() -> asyncio.Queue[SourceEvent | None]:
        return asyncio.Queue()

    async def events(self) -> AsyncGenerator[SourceEvent]:
        yield StateChanged(State.LIVE)
        while (event := await self.queue.get()) is not None:
            yield event
