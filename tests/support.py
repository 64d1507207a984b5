"""Helpers for app tests: in-memory sources and condition waits (import from ``support``)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable

from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import SourceEvent, SourceSpec
from logtail_tui.testing import MemorySource


async def until(condition: Callable[[], object], timeout: float = 5.0, step: float = 0.005) -> None:
    """Wait for ``condition`` to hold (an event we cannot await directly); fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(step)


def lines(*texts: str) -> Batch:
    return LineParser().parse(list(texts))


class Feeds:
    """In-memory sources for app tests: ``feeds[i]`` is the queue behind source ``i``."""

    def __init__(self, count: int) -> None:
        self.queues: list[asyncio.Queue[SourceEvent | None]] = [
            asyncio.Queue() for _ in range(count)
        ]
        self.specs = [SourceSpec(f"mem{i}", "memory", f"mem{i}", f"mem{i}") for i in range(count)]

    def factory(self, spec: SourceSpec, settings: Settings) -> MemorySource:
        return MemorySource(spec, settings, self.queues[self.specs.index(spec)])

    def __getitem__(self, i: int) -> asyncio.Queue[SourceEvent | None]:
        return self.queues[i]


LOGTAIL = [sys.executable, "-m", "logtail_tui"]
"""The real command line, as a subprocess runs it."""


def run_cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run ``logtail ARGS`` in a subprocess; ``env`` is added to this process's environment."""
    return subprocess.run(
        [*LOGTAIL, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
