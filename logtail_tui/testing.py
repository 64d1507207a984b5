"""A test kit for adapter authors: an in-memory source, and `probe` to run any adapter.

`probe` runs a source through the same `Hub` the TUI and plain mode use (so errors,
redaction and final states are exactly what a user would see) and collects what it
emits. Usage in a pytest test (with pytest-asyncio)::

    from logtail_tui.testing import probe
    from logtail_tui.sources.contract import Settings, State

    async def test_echo() -> None:
        got = await probe("echo:hi", Settings(options=(("times", "2"),)))
        assert got.texts == ["hi", "hi"]
        assert got.final.state is State.COMPLETED

``probe`` also takes a `Source` subclass that is not installed yet
(``probe(EchoSource, target="hi")``), a ready `Source` instance, or a `SourceSpec`.
`MemorySource` is a source a test pushes events into, for code that consumes sources.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass, field

from logtail_tui.sources import options as _options
from logtail_tui.sources import registry
from logtail_tui.sources.contract import (
    Batch,
    Heartbeat,
    Record,
    Settings,
    Source,
    SourceEvent,
    SourceSpec,
    State,
    StateChanged,
)
from logtail_tui.sources.hub import Hub
from logtail_tui.sources.redact import url_secrets

__all__ = ["MemorySource", "Probe", "probe", "spec_for"]


class MemorySource(Source):
    """Events pushed by a program: the contract's reference implementation.

    Usage::

        feed = MemorySource.feed()          # a queue the test pushes into
        source = MemorySource(spec, settings, feed)
        await feed.put(Batch(...)); await feed.put(None)   # None ends the stream
    """

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


@dataclass
class Probe:
    """What a `probe` run saw, in order."""

    events: list[SourceEvent] = field(default_factory=list)

    @property
    def batches(self) -> list[Batch]:
        return [ev for ev in self.events if isinstance(ev, Batch)]

    @property
    def texts(self) -> list[str]:
        return [t for batch in self.batches for t in batch.texts]

    @property
    def records(self) -> list[Record]:
        return [r for batch in self.batches for r in batch.records()]

    @property
    def states(self) -> list[StateChanged]:
        return [ev for ev in self.events if isinstance(ev, StateChanged)]

    def of(self, state: State) -> list[StateChanged]:
        """Every state change to ``state``."""
        return [ev for ev in self.states if ev.state is state]

    @property
    def heartbeats(self) -> int:
        return sum(isinstance(ev, Heartbeat) for ev in self.events)

    @property
    def final(self) -> StateChanged | None:
        """The source's last state when it ended, else ``None`` (still running)."""
        states = self.states
        return states[-1] if states and states[-1].state.final else None


def spec_for(
    cls: type[Source], target: str, settings: Settings, scheme: str = "test"
) -> SourceSpec:
    """The spec the registry would make for ``scheme:target`` if ``cls`` were installed."""
    text = f"{scheme}:{target}"
    target = cls.parse_target(scheme, target, text)
    label = cls.describe_target(scheme, target, settings)
    values = _options.typed(scheme, cls.options, settings.options)
    return SourceSpec(text, scheme, target, label, values, url_secrets(text))


async def probe(
    source: str | SourceSpec | Source | type[Source],
    settings: Settings | None = None,
    *,
    target: str = "",
    until: Callable[[Probe], bool] | None = None,
    timeout: float = 10.0,
) -> Probe:
    """Run one source through the hub until it ends or ``until`` holds.

    Args:
        source: A SOURCE argument resolved by the registry (``"echo:hi"``), a spec, a
            `Source` instance, or a `Source` subclass (then ``target`` is its target).
        settings: The run's settings (``options=(("name", "value"),)`` sets options).
        target: For a `Source` subclass: what follows ``scheme:``.
        until: Stop early once this holds (for sources that never end).
        timeout: Seconds before the test fails with what was seen last.

    Returns:
        Everything the source emitted, its final state included.

    Raises:
        AssertionError: when neither the end nor ``until`` came within ``timeout``.
    """
    settings = settings or Settings()
    factory: Callable[[SourceSpec, Settings], Source] = registry.create
    if isinstance(source, str):
        spec = registry.resolve(source, settings)
    elif isinstance(source, SourceSpec):
        spec = source
    elif isinstance(source, Source):
        spec, ready = source.spec, source
        factory = lambda _spec, _settings: ready  # noqa: E731
    else:
        cls = source
        spec = spec_for(cls, target, settings)
        factory = cls
    got = Probe()
    done = asyncio.Event()

    def sink(_index: int, event: SourceEvent) -> None:
        got.events.append(event)
        if (isinstance(event, StateChanged) and event.state.final) or (until and until(got)):
            done.set()

    hub = Hub([spec], settings, sink, factory)
    hub.start()
    try:
        await asyncio.wait_for(done.wait(), timeout)
    except TimeoutError:
        raise AssertionError(f"{spec.label}: timed out; saw {got.events[-5:]!r}") from None
    finally:
        await hub.aclose()
    return got
