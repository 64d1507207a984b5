"""`ChunkedWork` (ui/host.py): progress for the status bar without a frame a chunk."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

from logtail_tui.ui.host import ChunkedWork


async def test_progress_is_shown_at_most_ten_times_a_second_and_cleared_at_the_end() -> None:
    seen: list[str] = []
    work = ChunkedWork(lambda: seen.append(work.summary()))

    def steps() -> Iterator[float]:
        for i in range(1, 301):
            time.sleep(0.001)  # a chunk's work (~0.3 s in all)
            yield i / 300

    started = time.monotonic()
    assert await work.run("searching", steps())
    elapsed = time.monotonic() - started
    assert seen[0] == "searching 0%"  # the first step shows at once
    assert seen[-1] == ""  # and the end clears it
    shown = seen[:-1]
    assert all(text.startswith("searching ") for text in shown)
    assert 2 <= len(shown) <= elapsed / 0.1 + 1  # not 300
    assert work.summary() == ""


async def test_a_cancelled_job_leaves_no_progress_behind() -> None:
    work = ChunkedWork(lambda: None)

    def steps() -> Iterator[float]:
        while True:
            yield 0.5

    task = asyncio.create_task(work.run("filtering", steps()))

    async def running() -> None:
        while work.summary() != "filtering 50%":
            await asyncio.sleep(0)

    await asyncio.wait_for(running(), 5)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        pass
    assert work.summary() == ""
