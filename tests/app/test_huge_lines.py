"""A huge line costs its visible part only: what the pane renders is bounded in size, however
long the line (streams cut into 64 KiB pieces, file lines kept whole on disk)."""

from __future__ import annotations

from pathlib import Path

from support import Feeds, until

from logtail_tui.core import chunks
from logtail_tui.core.decoder import CONTINUED, LineDecoder
from logtail_tui.core.parse import LineParser
from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.long_lines import DRAW_LIMIT, marker

HUGE = 2_000_000
# Time and level prefix, the cut body, the marker with the biggest count.
BOUND = 64 + DRAW_LIMIT + len(marker(HUGE))


def screen_text(app: LogtailApp) -> str:
    pane = app.pane
    return "\n".join(pane.render_line(y).text for y in range(pane.scrollable_content_region.height))


def cached(app: LogtailApp) -> list:  # type: ignore[type-arg]
    cache = app.pane._cache
    return [cache.get(key) for key in cache.keys()]  # noqa: SIM118 (LRUCache has no __iter__)


def widest_strip(app: LogtailApp) -> int:
    return max(strip.cell_length for strip in cached(app))


async def test_a_streamed_huge_line_draws_bounded_pieces() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]
    decoder = LineDecoder(65_536)
    texts = decoder.decode(b"2026-12-01T02:01:00Z ERROR " + b"x" * HUGE + b"\nafter\n")
    assert len(texts) > 30  # the decoder cut it into pieces
    async with app.run_test(size=(100, 30)) as pilot:
        await feeds[0].put(LineParser().parse(texts))
        await until(
            lambda: "after" in screen_text(app),
            timeout=20,
            describe=lambda: (app.store.received, screen_text(app)[-300:]),
        )
        drawn = [strip.text for strip in cached(app)]
        assert sum(f"{CONTINUED}[{65_538 - DRAW_LIMIT:,} more characters" in t for t in drawn) >= 25
        assert len(app.pane._cache) >= 25 and widest_strip(app) <= BOUND
        # Scrolling right reaches the marker, not the 64 KiB end of the piece.
        assert app.pane.virtual_size.width <= BOUND
        await pilot.press("space", "k", "k")  # pause redraws every row: still bounded
        await pilot.pause()
        assert widest_strip(app) <= BOUND


async def test_a_huge_file_line_is_never_sanitised_whole(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "huge.log"
    path.write_text("2026-12-01T02:00:00Z INFO before\n" + "y" * HUGE + "\nlast line\n")
    sizes: list[int] = []
    real = chunks.sanitize

    def counting(text: str) -> str:
        sizes.append(len(text))
        return real(text)

    monkeypatch.setattr(chunks, "sanitize", counting)
    spec = registry.resolve(str(path))
    app = LogtailApp([spec], Settings(lines=None), registry.create)
    async with app.run_test(size=(100, 20)) as pilot:
        await until(lambda: "last line" in screen_text(app), timeout=20)
        await pilot.press("space", "k", "k")
        await pilot.pause()
        drawn = [strip.text for strip in cached(app)]
        assert any(f"{HUGE - DRAW_LIMIT:,} more characters" in t for t in drawn)
        assert sizes and max(sizes) <= Settings().max_line_length
        assert widest_strip(app) <= BOUND
        # Copy still takes the whole line.
        assert app.store.export(app.view[1]) == "y" * HUGE
