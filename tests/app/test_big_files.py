"""The real app on a file opened whole: the last screen first, history indexed backwards while
keys work, search and filters over every line, a long stream spilled to disk."""

from __future__ import annotations

from pathlib import Path

from support import Feeds, lines, until

from logtail_tui.core.chunks import FileChunk
from logtail_tui.core.record import Level
from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import SourceSpec
from logtail_tui.ui.app import LogtailApp

LINES = 400_000


def big_file(path: Path) -> list[str]:
    levels = ("INFO", "DEBUG", "WARN", "ERROR")
    text = [f"2026-12-01T10:00:00.000Z {levels[i % 4]} [w] job {i} done" for i in range(LINES)]
    text[0] = "2026-12-01T09:59:59.000Z INFO [w] the very first line"
    path.write_text("\n".join(text) + "\n")
    return text


def screen_text(app: LogtailApp) -> str:
    pane = app.pane
    return "\n".join(pane.render_line(y).text for y in range(pane.scrollable_content_region.height))


async def test_whole_file_shows_its_end_first_then_every_line(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    text = big_file(path)
    spec = SourceSpec(str(path), "file", str(path), str(path))
    app = LogtailApp([spec], Settings(lines=None, max_lines=1 << 40), registry.create)
    async with app.run_test(size=(120, 30)) as pilot:
        await until(lambda: text[-1] in screen_text(app), timeout=20)
        # History is indexed backwards in blocks and kept on disk, not in memory.
        await until(lambda: app.store.received == LINES, timeout=60)
        assert app.store.first < 0 and app.store.end - app.store.first == LINES
        assert app.store.has_file_chunks() and app.store.memory_bytes < LINES * 2
        await pilot.press("g")
        await pilot.pause()
        assert screen_text(app).startswith(text[0])
        # Search reaches the oldest line, filters read the level column.
        await pilot.press("slash")
        await pilot.press(*"very first")
        await pilot.press("enter")
        await until(lambda: app.searching.index is not None and app.searching.index.ready)
        assert len(app.searching.index.numbers()) == 1
        await pilot.press("l", "l", "l", "l")  # debug, info, warn, error
        await until(lambda: app.view.filter.level == Level.ERROR, timeout=20)
        assert len(app.view) == LINES // 4
        assert all(app.store.level(n) == Level.ERROR for n in app.view.numbers(0, 50))


async def test_a_long_stream_spills_to_disk_and_stays_searchable() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(memory_budget=2 << 20), feeds.factory)
    async with app.run_test(size=(100, 20)) as pilot:
        for k in range(8):
            await feeds[0].put(
                lines(*(f"event {k * 50_000 + i} payload {'x' * 60}" for i in range(50_000)))
            )
        await until(lambda: app.store.received == 400_000, timeout=30)
        assert app.store.spilled_chunks >= 2
        assert app.store.memory_bytes <= 2 << 20
        await pilot.press("slash")
        await pilot.press(*"event 12345 ")
        await pilot.press("enter")
        await until(lambda: app.searching.index is not None and app.searching.index.ready)
        await pilot.pause()
        assert list(app.searching.index.numbers()) == [12345]
        assert "event 12345 payload" in screen_text(app)


async def test_file_chunks_are_drawn_sanitised(tmp_path: Path) -> None:
    path = tmp_path / "hostile.log"
    body = [f"2026 INFO filler {i}" for i in range(20_000)]
    body[5] = "2026 ERROR \x1b]52;c;ZXZpbA==\x07 clipboard \x1b[2J clear \x00 nul \udcff"
    path.write_bytes("\n".join(body).encode("utf-8", "surrogateescape") + b"\n")
    spec = SourceSpec(str(path), "file", str(path), str(path))
    app = LogtailApp([spec], Settings(lines=None, max_lines=1 << 40), registry.create)
    async with app.run_test(size=(120, 20)) as pilot:
        await until(lambda: app.store.received == 20_000, timeout=20)
        await pilot.press("g")  # the line sits in history read back from the file
        await pilot.pause()
        chunk, _ = app.store.locate(app.store.first + 5)
        assert isinstance(chunk, FileChunk)
        shown = screen_text(app)
        assert "clipboard" in shown and "\x1b" not in shown and "\x00" not in shown
        assert any(
            isinstance(c, FileChunk) for c, _, _ in app.store.pieces(app.store.first, app.store.end)
        )


async def test_the_last_of_history_is_shown_when_indexing_ends(tmp_path: Path) -> None:
    # History waits for a slow repaint (4/s) while it arrives; the moment the source says it
    # is all read, the last block is shown (a search for the first line lands at once).
    from logtail_tui.core.record import Batch
    from logtail_tui.sources.contract import State, StateChanged
    from logtail_tui.sources.file_index import Block, ChunkMaker

    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)
    async with app.run_test(size=(100, 20)) as pilot:
        app._on_source_event(0, Batch([f"2026 INFO live {i}" for i in range(50)], [3] * 50))
        await until(lambda: len(app.view) == 50)
        data = b"".join(b"2026 INFO old %d\n" % i for i in range(1000))
        chunk = ChunkMaker(Settings()).chunk(Block(0, data, 0, len(data)), None, history=True)
        app._on_source_event(0, chunk)
        app._on_source_event(0, StateChanged(State.LIVE, "following", progress=0.5))
        await pilot.pause()
        assert len(app.view) == 50  # still waiting for the slow repaint
        app._on_source_event(0, StateChanged(State.LIVE, "following"))
        await pilot.pause()
        assert len(app.view) == 1050 and app.store.text(app.store.first) == "2026 INFO old 0"


async def test_a_hostile_file_name_is_shown_not_obeyed(tmp_path: Path) -> None:
    """A file name holding an escape sequence: the status bar and the window's sub-title
    show it with its control characters made visible, and none reaches the terminal."""
    path = tmp_path / "ev\x1b[31mil\x07.log"
    path.write_text("2026 INFO one\n")
    spec = registry.resolve(str(path))
    assert spec.target == str(path)  # the file itself is still the one opened
    app = LogtailApp([spec], Settings(), registry.create)
    async with app.run_test(size=(160, 10)) as pilot:
        await until(lambda: app.store.received == 1)
        await pilot.pause()
        bar = app.status.render_line(0).text
        assert "ev^[[31mil^G.log" in bar
        assert "\x1b" not in bar and "\x07" not in bar
        assert "\x1b" not in app.sub_title and "ev^[[31mil^G.log" in app.sub_title
