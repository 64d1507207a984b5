"""An example third-party adapter, written from `logtail_tui.sources.contract` alone.

``echo:TEXT`` yields TEXT ``times`` times (``-o times=N``), then completes;
``echo:`` with no text fails with one sentence. The events come from a class-based
async iterator without ``aclose``, which the contract allows.
"""

from __future__ import annotations

from logtail_tui.sources.contract import (
    LineParser,
    Option,
    Settings,
    Source,
    SourceEvent,
    SourceNotFound,
    SourceSpec,
    State,
    StateChanged,
    batches,
)


class EchoSource(Source):
    description = "repeats its target (echo:TEXT); an example third-party adapter"
    options = (
        Option("times", int, 3, "how many lines", minimum=1),
        Option("shout", bool, False, "upper-case the text"),
    )

    def __init__(self, spec: SourceSpec, settings: Settings) -> None:
        super().__init__(spec, settings)
        self.parser = LineParser(settings.format, settings.field_map)

    def events(self) -> _Echo:
        return _Echo(self)


class _Echo:
    """The events of one run, as a plain async iterator."""

    def __init__(self, source: EchoSource) -> None:
        text = source.spec.target
        if source.opts["shout"]:
            text = text.upper()
        lines = [text] * source.opts["times"]
        self.events: list[SourceEvent] = [StateChanged(State.LIVE)]
        self.events += batches(source.parser, lines)
        self.empty = not text

    def __aiter__(self) -> _Echo:
        return self

    async def __anext__(self) -> SourceEvent:
        if self.empty:
            raise SourceNotFound("echo: needs a text to repeat; use echo:hello.")
        if not self.events:
            raise StopAsyncIteration
        return self.events.pop(0)
