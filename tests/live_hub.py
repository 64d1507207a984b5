"""A Hub over one real source, started and stopped by ``async with``, for adapter tests
that act on the peer while the source runs (restart a server, post a request...).

Usage::

    async with LiveHub("loki://127.0.0.1:3100/?query={app=\\"api\\"}") as run:
        await run.until(lambda r: len(r.records) >= 3)
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Self

from servers import Collected
from support import until

from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import Source, SourceSpec
from logtail_tui.sources.hub import Hub


class LiveHub(Collected):
    """Records every event of one source; ``sources`` holds what the factory built.

    Args:
        url: The SOURCE argument.
        settings: Settings for the run.
        factory: Builds the source (e.g. with a quick backoff); the registry by default.
    """

    def __init__(
        self,
        url: str,
        settings: Settings | None = None,
        factory: Callable[[SourceSpec, Settings], Source] = registry.create,
    ) -> None:
        super().__init__()
        self.settings = settings or Settings()
        self.sources: list[Source] = []

        def build(spec: SourceSpec, settings: Settings) -> Source:
            self.sources.append(factory(spec, settings))
            return self.sources[-1]

        spec = registry.resolve(url, self.settings)
        self.hub = Hub([spec], self.settings, lambda _i, ev: self.events.append(ev), build)

    async def __aenter__(self) -> Self:
        self.hub.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.hub.aclose()

    async def ended(self, timeout: float = 5) -> None:
        """Until the source has ended by itself."""
        await asyncio.wait_for(self.hub.wait(), timeout)

    async def until(self, condition: Callable[[Self], object], timeout: float = 10) -> None:
        """Until ``condition`` holds; fails at once if the source ends first."""
        await until(
            lambda: condition(self),
            timeout,
            0.01,
            abort=lambda: self.final is not None and f"source ended: {self.final}",
            describe=lambda: f"texts {[t[:80] for t in self.texts[-5:]]}, states {self.states[-3:]}",
        )
