"""Truncation and rotation leave a marker where they happened (like tail -F's "file
truncated"): the file source says so through the contract, the TUI shows a dimmed line, plain
mode writes it to standard error."""

from __future__ import annotations

import asyncio
import os
import subprocess
from pathlib import Path

from support import LOGTAIL, until

from logtail_tui.core.markers import is_marker
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import SourceSpec, StateChanged
from logtail_tui.sources.file import FileSource
from logtail_tui.ui.app import LogtailApp


def append(path: Path, *rows: str) -> None:
    with open(path, "a") as f:
        f.write("".join(r + "\n" for r in rows))


async def test_the_source_marks_truncation_and_rotation_in_order(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    append(path, "one", "two")
    source = FileSource(SourceSpec(str(path), "file", str(path), str(path)), Settings())
    flow: list[str] = []

    async def run() -> None:
        async for event in source.events():
            if isinstance(event, Batch):
                flow.extend(event.texts)
            elif isinstance(event, StateChanged) and event.mark:
                flow.append(f"MARK {event.detail}")

    task = asyncio.create_task(run())
    try:
        await until(lambda: flow == ["one", "two"])
        await asyncio.sleep(0)  # (the watch is set up before history is read)
        os.truncate(path, 0)
        append(path, "x")
        await until(lambda: flow[-1:] == ["x"])
        os.rename(path, tmp_path / "app.log.1")
        append(path, "fresh")
        await until(lambda: flow[-1:] == ["fresh"])
        assert flow == [
            "one",
            "two",
            "MARK file truncated; reading it from the start",
            "x",
            "MARK file replaced (rotated); following the new one",
            "fresh",
        ]
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await source.aclose()


async def test_the_pane_shows_a_dimmed_marker_line_where_it_happened(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    append(path, "2026-12-01T10:00:00Z INFO first", "2026-12-01T10:00:01Z INFO second")
    app = LogtailApp([registry.resolve(str(path))], Settings(), registry.create)
    async with app.run_test(size=(100, 20)) as pilot:
        await until(lambda: app.store.received == 2)
        os.truncate(path, 0)
        append(path, "2026-12-01T10:00:02Z INFO after")
        await until(lambda: app.store.received == 4)
        await pilot.pause()
        texts = [app.store.text(n) for n in app.view]
        assert texts[2] == "── file truncated; reading it from the start ──"
        assert texts[3].endswith("after") and is_marker(texts[2])
        strip = app.pane._full_strip(app.view[2])
        marker = app.pane.get_component_rich_style("log-pane--marker")
        assert strip.text.startswith("── file truncated") and marker.italic
        assert all(s.style is not None and s.style.italic for s in strip if s.text.strip())


def test_plain_mode_says_it_on_stderr(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    append(path, "the first line")
    proc = subprocess.Popen(
        [*LOGTAIL, "--plain", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline() == "the first line\n"
        os.truncate(path, 0)
        append(path, "two")  # shorter than what was read: the shrink is visible
        assert proc.stdout.readline() == "two\n"
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert f"logtail: {path}: file truncated; reading it from the start" in err
