"""Plain mode flushes the tail of a burst that ended with a large batch."""

from __future__ import annotations

import io

from support import until

from logtail_tui.core.parse import LineParser
from logtail_tui.core.settings import Settings
from logtail_tui.plain import PlainPrinter
from logtail_tui.sources.contract import SourceSpec


class Pipe(io.StringIO):
    """Records what reached the reader: only flushed text counts."""

    def __init__(self) -> None:
        super().__init__()
        self.flushed = ""

    def flush(self) -> None:
        self.flushed = self.getvalue()

    def isatty(self) -> bool:
        return False


async def test_a_large_last_batch_is_flushed_without_waiting_for_more() -> None:
    out = Pipe()
    spec = SourceSpec("x", "demo", "x", "x")
    printer = PlainPrinter([spec], Settings(color=False), out, io.StringIO())
    batch = LineParser().parse([f"line {i}" for i in range(5000)])
    printer(0, batch)
    assert out.flushed == ""  # not flushed per large batch during a flood...
    await until(lambda: out.flushed.count("\n") == 5000, timeout=2.0)  # ...but soon after
    assert out.flushed.splitlines()[-1] == "line 4999"
