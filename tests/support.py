"""Test helpers (import from ``support``): the one condition wait, and in-memory sources.

`until` is the only polling loop in the tests: it waits for a condition we cannot await
directly, fails with a description after a timeout, and fails at once when ``abort``
reports that waiting is pointless (the source under test ended). `until_blocking` is the
same for code outside an event loop (a server thread starting).
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import SourceEvent, SourceSpec
from logtail_tui.testing import MemorySource

if TYPE_CHECKING:
    from logtail_tui.ui.app import LogtailApp


def _check(
    condition: Callable[[], object],
    deadline: float,
    timeout: float,
    abort: Callable[[], object] | None,
    describe: Callable[[], object] | None,
) -> bool:
    """One poll: True when ``condition`` holds; raises when it never will."""
    if condition():
        return True
    why = abort() if abort is not None else None
    if why:
        raise AssertionError(f"gave up waiting: {why}")
    if time.monotonic() > deadline:
        detail = f": {describe()}" if describe is not None else ""
        raise AssertionError(f"condition not met within {timeout} s{detail}")
    return False


async def until(
    condition: Callable[[], object],
    timeout: float = 5.0,
    step: float = 0.005,
    *,
    abort: Callable[[], object] | None = None,
    describe: Callable[[], object] | None = None,
) -> None:
    """Wait for ``condition`` to hold; fail after ``timeout`` seconds.

    Args:
        abort: Returns a reason (truthy) when the condition can no longer come true.
        describe: What to add to the timeout message (the state seen so far).
    """
    deadline = time.monotonic() + timeout
    while not _check(condition, deadline, timeout, abort, describe):
        await asyncio.sleep(step)


def until_blocking(
    condition: Callable[[], object],
    timeout: float = 5.0,
    step: float = 0.01,
    *,
    abort: Callable[[], object] | None = None,
    describe: Callable[[], object] | None = None,
) -> None:
    """`until` for code that runs outside an event loop (waiting on a thread)."""
    deadline = time.monotonic() + timeout
    while not _check(condition, deadline, timeout, abort, describe):
        time.sleep(step)


async def settled(app: LogtailApp) -> None:
    """Wait until the pane's scrollbar is laid out and no layout is pending: its first
    appearance needs one, which a busy machine may not have run yet."""
    await until(lambda: _scrollbar_laid_out(app) and not _layout_pending(app))


def _scrollbar_laid_out(app: LogtailApp) -> bool:
    from textual.errors import NoWidget

    try:
        return app.screen.find_widget(app.pane.vertical_scrollbar).region.height > 0
    except NoWidget:
        return False


def _layout_pending(app: LogtailApp) -> bool:
    """A layout asked for by any widget (the scrollbar's styles are applied when the pane first
    takes the focus) and not yet run."""
    screen = app.screen
    widgets = [screen, *screen.walk_children(with_self=False), app.pane.vertical_scrollbar]
    return bool(
        any(widget._layout_required for widget in widgets)
        or screen._layout_required
        or screen._layout_widgets
        or screen._message_queue.qsize()
    )


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


async def fill(app: LogtailApp, feeds: Feeds, texts: list[str], source: int = 0) -> None:
    """Feed text lines to source ``source`` of a running app and wait until they are in."""
    target = app.store.received + len(texts)
    await feeds[source].put(lines(*texts))
    await until(lambda: app.store.received >= target)


async def settle(app: LogtailApp, pilot: Any) -> None:
    """Wait for the filter/search workers to finish."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
